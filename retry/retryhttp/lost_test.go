package retryhttp_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// TestLostConnectionMatchesNarrowly gives the Transport errors with the messages
// of net/http's unexported errors, and near misses, from a Base that fails its
// first attempt: which are retried for a GET and for a POST. The exact message of
// one error of the tree counts, wrapped or not; the same text inside a wrapper's
// own message does not, nor does a stream error the client made itself, another
// code, or another shape.
func TestLostConnectionMatchesNarrowly(t *testing.T) {
	const (
		maybe       = iota // retried for a GET only
		unprocessed        // retried for a POST too
		none               // not retried
	)
	tests := []struct {
		err  error
		want int
	}{
		{errors.New("http: server closed idle connection"), maybe},
		{errors.New("stream error: stream ID 1; INTERNAL_ERROR; received from peer"), maybe},
		{errors.New("stream error: stream ID 4294967295; INTERNAL_ERROR; received from peer"), maybe},
		{errors.New("stream error: stream ID 3; REFUSED_STREAM; received from peer"), unprocessed},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=7, ErrCode=NO_ERROR, debug=""`), maybe},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=INTERNAL_ERROR, debug="bye \"now\""`), maybe},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=0, ErrCode=NO_ERROR, debug=""`), unprocessed},
		{errors.New("http2: Transport received Server's graceful shutdown GOAWAY"), unprocessed},
		{errors.New("http2: Transport received GOAWAY from server ErrCode:ENHANCE_YOUR_CALM"), unprocessed},
		{errors.New("http2: Transport received GOAWAY from server ErrCode:ERR_UNKNOWN_99"), unprocessed},
		// Wrapped: still the error's own message.
		{fmt.Errorf("proxy: %w", errors.New("http: server closed idle connection")), maybe},
		{&url.Error{Op: "Put", URL: "http://x/", Err: errors.New("stream error: stream ID 5; REFUSED_STREAM; received from peer")}, unprocessed},
		{errors.Join(errors.New("other"), errors.New("http2: Transport received Server's graceful shutdown GOAWAY")), unprocessed},
		// Near misses.
		{errors.New("http: server closed idle connection."), none},
		{errors.New("HTTP: server closed idle connection"), none},
		{fmt.Errorf("proxy: %v", errors.New("http: server closed idle connection")), none},
		{errors.New("http2: Transport: cannot retry err [stream error: stream ID 1; REFUSED_STREAM; received from peer] after Request.Body was written; define Request.GetBody to avoid this error"), none},
		{errors.New("stream error: stream ID 1; INTERNAL_ERROR"), none}, // made by the client
		{errors.New("stream error: stream ID 1; PROTOCOL_ERROR; received from peer"), none},
		{errors.New("stream error: stream ID 1; CANCEL; received from peer"), none},
		{errors.New("stream error: stream ID 1; REFUSED_STREAM; received from peer; more"), none},
		{errors.New("stream error: stream ID x; REFUSED_STREAM; received from peer"), none},
		{errors.New("stream error: stream ID 4294967296; REFUSED_STREAM; received from peer"), none},
		{errors.New("stream error: stream ID ; REFUSED_STREAM; received from peer"), none},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=, ErrCode=NO_ERROR, debug=""`), none},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=0, ErrCode=no error, debug=""`), none},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=0, ErrCode=NO_ERROR, debug="" and more`), none},
		{errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=0, ErrCode=NO_ERROR`), none},
		{errors.New("http2: Transport received GOAWAY from server ErrCode:"), none},
		{errors.New("http2: Transport received GOAWAY from server ErrCode:NO ERROR"), none},
		{errors.New("http2: Transport received Server's graceful shutdown GOAWAY!"), none},
	}
	for _, tt := range tests {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			t.Run(m+" "+tt.err.Error(), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					calls := 0
					tr := &retryhttp.Transport{Base: roundTripFunc(func(req *http.Request) (*http.Response, error) {
						if calls++; calls == 1 {
							return nil, tt.err
						}
						return &http.Response{StatusCode: 200, Body: http.NoBody, Request: req}, nil
					})}
					req, _ := http.NewRequest(m, "http://api.invalid/", strings.NewReader("x"))
					_, err := tr.RoundTrip(req)
					retried := tt.want == unprocessed || tt.want == maybe && m == http.MethodGet
					if wantCalls := map[bool]int{true: 2, false: 1}[retried]; calls != wantCalls || retried != (err == nil) {
						t.Errorf("RoundTrip = %v after %d attempts, want %d", err, calls, wantCalls)
					}
				})
			})
		}
	}
}
