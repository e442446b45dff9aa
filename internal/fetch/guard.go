package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// ErrBlocked: the address a request would connect to is a special-purpose
// one (loopback, private, link-local…) that the allow-list does not open.
// Not transient: asking again reaches the same address.
var ErrBlocked = errors.New("address not allowed")

// BlockedError names the address a connection was refused to and why.
type BlockedError struct {
	Addr  netip.Addr
	Range string // the special-purpose range it is in ("loopback", "private-use")
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("refused to connect to %s (%s address): allow it with --allow-networks or SITREP_ALLOW_NETWORKS", e.Addr, e.Range)
}

func (e *BlockedError) Unwrap() error { return ErrBlocked }

// Guard refuses connections to special-purpose addresses, so that a source
// (or a redirect, or a DNS answer that changes between lookups) cannot make
// sitrep reach the machine it runs on or its private network. It checks
// the address actually dialled (Control), after every lookup and on every
// redirect hop. Allow opens ranges on purpose: a test web on loopback, a
// source on the intranet.
type Guard struct {
	allow []netip.Prefix
}

// NewGuard returns a guard that opens the allowed prefixes.
func NewGuard(allow []netip.Prefix) *Guard { return &Guard{allow: allow} }

// ParseAllow reads an allow-list: comma-separated CIDRs or single addresses
// ("127.0.0.0/8,::1/128,10.1.2.3"). An empty string allows nothing.
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("allowed network %q: want a CIDR such as 10.0.0.0/8 or an address", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("allowed network %q: want a CIDR such as 10.0.0.0/8 or an address", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Allowed lists the prefixes the guard opens, for the log.
func (g *Guard) Allowed() []netip.Prefix { return g.allow }

// Check refuses a special-purpose address that no allowed prefix holds.
func (g *Guard) Check(a netip.Addr) error {
	a = a.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	name, special := Special(a)
	if !special {
		return nil
	}
	for _, p := range g.allow {
		if p.Contains(a) {
			return nil
		}
	}
	return &BlockedError{Addr: a, Range: name}
}

// Control is a net.Dialer.Control hook: it runs on the address about to be
// connected, after name resolution, so it covers every redirect hop and a
// name that resolves differently from one lookup to the next.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	return g.Check(a)
}

// specialRanges are the IANA special-purpose address registries (RFC 6890
// and successors) and multicast: nothing a news site is served from.
var specialRanges = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private-use"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private-use"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.31.196.0/24"), "AS112"},
	{netip.MustParsePrefix("192.52.193.0/24"), "AMT"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private-use"},
	{netip.MustParsePrefix("192.175.48.0/24"), "direct delegation AS112"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // includes 255.255.255.255, broadcast
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::ffff:0:0/96"), "IPv4-mapped"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "IPv4-translated"},
	{netip.MustParsePrefix("64:ff9b::/96"), "IPv4/IPv6 translation"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// Special reports whether a is a special-purpose address, and its range's
// name. An IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
func Special(a netip.Addr) (string, bool) {
	if !a.IsValid() {
		return "invalid", true
	}
	a = a.Unmap()
	for _, r := range specialRanges {
		if r.prefix.Contains(a) {
			return r.name, true
		}
	}
	return "", false
}
