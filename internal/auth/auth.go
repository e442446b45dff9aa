// Package auth makes and checks sitrep's credentials: password hashes for
// web UI users, and the random secrets of API tokens and sign-in sessions,
// which are stored only as hashes. It does no I/O besides reading the
// system's random source.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password rules. bcrypt reads at most 72 bytes; a longer password would be
// silently cut, so it is refused instead.
const (
	MinPassword = 10
	MaxPassword = 72
	// bcryptCost makes one check take tens of milliseconds: cheap for a
	// sign-in, expensive for a guesser with a stolen database.
	bcryptCost = 12
)

// ErrBadPassword: a password that breaks the rules above.
var ErrBadPassword = errors.New("unacceptable password")

// HashPassword returns the bcrypt hash of a password.
func HashPassword(pw string) (string, error) {
	if n := utf8.RuneCountInString(pw); n < MinPassword {
		return "", fmt.Errorf("%w: at least %d characters, got %d", ErrBadPassword, MinPassword, n)
	}
	if len(pw) > MaxPassword {
		return "", fmt.Errorf("%w: at most %d bytes, got %d", ErrBadPassword, MaxPassword, len(pw))
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(h), nil
}

// dummyHash is checked against when the user does not exist, so that a
// sign-in for an unknown name takes as long as one for a known name and
// does not tell an attacker which names exist.
var dummyHash = []byte("$2a$12$BdUu9u9GOEy.aPz1hYxZr.oB20s9fHZIZdYi0lzZEEy0qqllEC.lu")

// CheckPassword tells whether pw matches hash (bcrypt compares in constant
// time). With an empty hash (no such user) it spends the same time and
// returns false.
func CheckPassword(hash, pw string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// TokenPrefix starts every API token, so that secret scanners and people
// can recognise one.
const TokenPrefix = "sitrep_"

// NewSecret returns a new random secret (256 bits) with prefix, and the
// hash to store.
func NewSecret(prefix string) (secret, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("reading random bytes: %w", err)
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret), nil
}

// HashSecret hashes a token or session secret for storage and lookup. The
// secrets are random and long, so a fast hash is as safe as a slow one,
// and lets the store find the row by its hash; comparing hashes of equal
// length never leaks how much of a guess was right.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}
