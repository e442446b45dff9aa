package fetch

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// TestSpecial classifies an address of every special-purpose range, their
// edges and mapped forms, and public addresses. Nothing is dialled.
func TestSpecial(t *testing.T) {
	tests := []struct {
		addr    string
		special bool
	}{
		{"0.0.0.0", true}, {"0.255.255.255", true},
		{"10.0.0.1", true}, {"10.255.255.255", true}, {"11.0.0.1", false},
		{"100.64.0.1", true}, {"100.127.255.255", true}, {"100.128.0.1", false}, {"100.63.255.255", false},
		{"127.0.0.1", true}, {"127.255.255.254", true},
		{"169.254.169.254", true}, // cloud metadata
		{"172.16.0.1", true}, {"172.31.255.255", true}, {"172.32.0.1", false}, {"172.15.255.255", false},
		{"192.0.0.8", true}, {"192.0.2.1", true}, {"192.31.196.1", true}, {"192.52.193.1", true},
		{"192.88.99.1", true}, {"192.168.1.1", true}, {"192.175.48.1", true},
		{"198.18.0.1", true}, {"198.19.255.255", true}, {"198.20.0.1", false},
		{"198.51.100.7", true}, {"203.0.113.9", true},
		{"224.0.0.1", true}, {"239.255.255.250", true}, {"240.0.0.1", true}, {"255.255.255.255", true},
		{"8.8.8.8", false}, {"1.1.1.1", false}, {"93.184.216.34", false}, {"185.199.108.153", false},
		{"::", true}, {"::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.1.2.3", true}, {"::ffff:8.8.8.8", false},
		{"64:ff9b::a00:1", true}, {"64:ff9b:1::1", true}, {"100::1", true},
		{"2001::1", true}, {"2001:db8::1", true}, {"2002:c000:204::1", true}, {"3fff::1", true}, {"5f00::1", true},
		{"fc00::1", true}, {"fd12:3456::1", true}, {"fe80::1", true}, {"fec0::1", true}, {"ff02::1", true},
		{"2606:4700:4700::1111", false}, {"2a00:1450:4001::200e", false}, {"2001:4860:4860::8888", false},
	}
	for _, tt := range tests {
		name, got := Special(netip.MustParseAddr(tt.addr))
		if got != tt.special {
			t.Errorf("Special(%s) = %v (%s), want %v", tt.addr, got, name, tt.special)
		}
	}
	if _, special := Special(netip.Addr{}); !special {
		t.Error("the zero address is not refused")
	}
}

func TestParseAllow(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"127.0.0.0/8, ::1/128", []string{"127.0.0.0/8", "::1/128"}, false},
		{"10.1.2.3", []string{"10.1.2.3/32"}, false},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}, false},
		{"10.0.0.0/33", nil, true},
		{"localhost", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseAllow(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseAllow(%q): %v, want error %v", tt.in, err, tt.err)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if strings.Join(s, ",") != strings.Join(tt.want, ",") {
			t.Errorf("ParseAllow(%q) = %v, want %v", tt.in, s, tt.want)
		}
	}
}

// TestGuard: a guarded client refuses a loopback server unless allowed,
// with an error that names the address and is not retried; and a redirect
// from an allowed address to a refused one is refused on that hop.
func TestGuard(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		text("ok")(w, r)
	}))
	defer srv.Close()

	c := testClient(Config{Guard: NewGuard(nil), Retries: 3}, nil)
	_, err := c.Get(t.Context(), Request{URL: srv.URL + "/page"})
	var be *BlockedError
	if !errors.Is(err, ErrBlocked) || !errors.As(err, &be) || be.Range != "loopback" || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("loopback without an allow-list: %v, want a BlockedError naming 127.0.0.1 (loopback)", err)
	}
	if hits != 0 {
		t.Errorf("the refused server was reached %d times", hits)
	}

	allowed := testClient(Config{Guard: NewGuard([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})}, nil)
	if _, err := allowed.Get(t.Context(), Request{URL: srv.URL + "/page"}); err != nil {
		t.Fatalf("loopback allowed: %v", err)
	}

	// A second server on another loopback address, not allowed, behind a
	// redirect from the allowed one.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	inner := httptest.NewUnstartedServer(text("secret"))
	inner.Listener.Close()
	inner.Listener = ln
	inner.Start()
	defer inner.Close()
	mux := http.NewServeMux()
	mux.Handle("/robots.txt", text(""))
	mux.Handle("/", http.RedirectHandler(inner.URL+"/admin", http.StatusFound))
	redirect := httptest.NewServer(mux)
	defer redirect.Close()
	_, err = allowed.Get(t.Context(), Request{URL: redirect.URL + "/"})
	if !errors.As(err, &be) || be.Addr != netip.MustParseAddr("127.0.0.2") {
		t.Errorf("redirect to a refused address: %v, want a BlockedError for 127.0.0.2", err)
	}
}
