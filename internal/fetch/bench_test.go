package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkGet20Hosts fetches pages from 20 loopback hosts with the default
// limits (2 in flight per host, no delay), as the 10,000-page ingest
// benchmark does, and reports the connections opened: with keep-alive that
// stays near 20×PerHost whatever b.N is.
func BenchmarkGet20Hosts(b *testing.B) {
	page := []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>" +
		strings.Repeat("<p>Officials met to discuss the situation in the region.</p>\n", 500) + "</body></html>")
	var conns atomic.Int64
	var hosts []string
	for range 20 {
		s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write(page)
		}))
		s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				conns.Add(1)
			}
		}
		s.Start()
		b.Cleanup(s.Close)
		hosts = append(hosts, s.URL)
	}
	c := New(Config{UserAgent: testUA})
	var next atomic.Int64
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	b.SetParallelism(20) // 20×GOMAXPROCS goroutines, more than the 40 slots
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			u := fmt.Sprintf("%s/news/%d", hosts[i%int64(len(hosts))], i)
			if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(conns.Load()), "conns")
}
