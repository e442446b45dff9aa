package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiterForgetsIdleHosts(t *testing.T) {
	clk := newFakeClock()
	l := newHostLimiter(2, time.Second, clk.Now, clk.Sleep)
	goroutines := runtime.NumGoroutine()
	peak := 0
	for i := range 20000 {
		release, err := l.acquire(context.Background(), fmt.Sprintf("host%d.example", i), hostOpts{})
		if err != nil {
			t.Fatal(err)
		}
		release()
		clk.Advance(time.Second)
		peak = max(peak, len(l.hosts))
	}
	// Only hosts used in the last idleKeep (300 at one per second) need
	// remembering; sweeps run when the map doubles.
	if limit := 4 * int(idleKeep/time.Second); peak > limit {
		t.Errorf("limiter held %d hosts at peak, want ≤ %d", peak, limit)
	}
	if got := runtime.NumGoroutine(); got > goroutines {
		t.Errorf("goroutines %d → %d: the limiter must not start any", goroutines, got)
	}
}

func TestLimiterCancelWhileWaiting(t *testing.T) {
	clk := newFakeClock()
	l := newHostLimiter(1, 0, clk.Now, clk.Sleep)
	ctx := context.Background()
	release, err := l.acquire(ctx, "h", hostOpts{})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(short, "h", hostOpts{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting acquire: err = %v, want deadline", err)
	}
	release()
	release() // idempotent: must not free a second slot
	r2, err := l.acquire(ctx, "h", hostOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.hosts["h"].inFlight; got != 1 {
		t.Errorf("inFlight = %d, want 1 (no slot leaked by the cancelled waiter)", got)
	}
	r2()
}

// TestTimeoutRetried: a header timeout is transient, the retry succeeds.
func TestTimeoutRetried(t *testing.T) {
	var n atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte("ok"))
	})
	s := newSite(t, mux)
	c := testClient(Config{HeaderTimeout: 50 * time.Millisecond}, newFakeClock())
	got, err := c.Get(context.Background(), Request{URL: s.URL + "/p"})
	if err != nil || string(got.Body) != "ok" {
		t.Fatalf("Get = %v, %v; want ok after one retry", got, err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}
