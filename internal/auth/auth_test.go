package auth

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		hash, pw string
		want     bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse battery ", false},
		{h, "", false},
		{"", "correct horse battery", false},
		{"not a hash", "correct horse battery", false},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.hash, tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", tt.hash, tt.pw, got, tt.want)
		}
	}
	for _, bad := range []string{"short", strings.Repeat("x", MaxPassword+1)} {
		if _, err := HashPassword(bad); !errors.Is(err, ErrBadPassword) {
			t.Errorf("HashPassword(%d chars): %v, want ErrBadPassword", len(bad), err)
		}
	}
}

func TestSecret(t *testing.T) {
	s1, h1, err := NewSecret(TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	s2, h2, _ := NewSecret(TokenPrefix)
	if s1 == s2 || h1 == h2 {
		t.Fatal("two secrets are equal")
	}
	if !strings.HasPrefix(s1, TokenPrefix) || len(s1) < 40 {
		t.Errorf("secret %q: want the prefix and 256 bits", s1)
	}
	if HashSecret(s1) != h1 || HashSecret(" "+s1+"\n") != h1 {
		t.Error("HashSecret does not reproduce the stored hash (surrounding space must not matter)")
	}
	if strings.Contains(h1, s1) {
		t.Error("the hash contains the secret")
	}
}

func TestDummyHashIsReal(t *testing.T) {
	// A malformed dummy would make unknown users answer fast, telling
	// which names exist.
	if _, err := bcrypt.Cost(dummyHash); err != nil {
		t.Fatalf("dummyHash is not a bcrypt hash: %v", err)
	}
}
