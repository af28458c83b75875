package retryhttp_test

import (
	"io"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentUse shares one Transport between goroutines whose requests each
// meet a 503 before their 200: every one succeeds, and each round trip keeps its
// own state (run with -race).
func TestConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	e := newEnv(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		mu.Lock()
		first := !seen[id]
		seen[id] = true
		mu.Unlock()
		if first {
			w.WriteHeader(503)
			return
		}
		_, _ = io.WriteString(w, id)
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				id := string(rune('a'+g)) + string(rune('0'+i))
				resp, err := e.client.Get(e.srv.URL + "?id=" + id)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != id {
					t.Errorf("request %s: got %d %q", id, resp.StatusCode, b)
				}
			}
		})
	}
	wg.Wait()
	if n := e.hits.Load(); n != 160 {
		t.Errorf("server saw %d requests, want 160", n)
	}
}
