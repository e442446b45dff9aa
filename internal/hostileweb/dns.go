package hostileweb

import (
	"context"
	"net"
	"strings"
	"sync"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer is a loopback DNS server that rebinds: RebindHost is the
// public address on the first A lookup and 127.0.0.1 on every later one,
// the attack a check made before the dial (on the name's first answer)
// misses.
type dnsServer struct {
	conn    net.PacketConn
	armed   func() bool // before the web is armed, no rebinding
	mu      sync.Mutex
	lookups int
	done    chan struct{}
}

func startDNS(armed func() bool) (*dnsServer, error) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &dnsServer{conn: conn, armed: armed, done: make(chan struct{})}
	go d.serve()
	return d, nil
}

func (d *dnsServer) close() { d.conn.Close(); <-d.done }

func (d *dnsServer) reset() {
	d.mu.Lock()
	d.lookups = 0
	d.mu.Unlock()
}

func (d *dnsServer) resolver() *net.Resolver {
	addr := d.conn.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dialer net.Dialer
		return dialer.DialContext(ctx, "udp", addr)
	}}
}

func (d *dnsServer) serve() {
	defer close(d.done)
	buf := make([]byte, 1500)
	for {
		n, from, err := d.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if out, ok := d.answer(buf[:n]); ok {
			d.conn.WriteTo(out, from)
		}
	}
}

func (d *dnsServer) answer(req []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	name := strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	if name != RebindHost {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if b.StartQuestions() != nil || b.Question(q) != nil || b.StartAnswers() != nil {
		return nil, false
	}
	if name == RebindHost && q.Type == dnsmessage.TypeA {
		first := true
		if d.armed() {
			d.mu.Lock()
			d.lookups++
			first = d.lookups == 1
			d.mu.Unlock()
		}
		ip := [4]byte{127, 0, 0, 1}
		if first {
			ip = [4]byte{127, 0, 0, 2}
		}
		// TTL 0: no cache may keep the harmless answer.
		err := b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 0}, dnsmessage.AResource{A: ip})
		if err != nil {
			return nil, false
		}
	}
	out, err := b.Finish()
	return out, err == nil
}
