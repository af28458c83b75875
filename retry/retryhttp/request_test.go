package retryhttp

import (
	"context"
	"net/http"
	"testing"

	"github.com/tenacious-go/tenacious/internal/layer"
)

// TestFirstRequestCarriesTheAttempt: the first attempt's request carries the
// attempt's context, for a retrying layer inside Base, unless Base is net/http's
// own Transport, inside which none can run: that one gets the caller's request
// itself, and costs no copy.
func TestFirstRequestCarriesTheAttempt(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
	if err != nil {
		t.Fatal(err)
	}
	frame := layer.NewFrame(context.Background(), 1)
	for _, tt := range []struct {
		name     string
		base     http.RoundTripper
		wantSame bool
	}{
		{"net/http's Transport", &http.Transport{}, true},
		{"another RoundTripper", roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, nil }), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt := new(roundTrip)
			rt.start(&Transport{Base: tt.base}, req)
			got, err := rt.request(frame, false)
			if err != nil {
				t.Fatal(err)
			}
			if same := got == req; same != tt.wantSame {
				t.Errorf("request is the caller's: %v, want %v", same, tt.wantSame)
			}
			if up, _ := layer.Lookup(got.Context()); !tt.wantSame && up != frame {
				t.Errorf("the request's context does not carry the attempt's mark")
			}
			rt.clear()
		})
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
