package retryhttp

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// DefaultCooldownOrigins is how many origins a Cooldown whose MaxOrigins is zero
// remembers at once.
const DefaultCooldownOrigins = 1024

// A Cooldown holds back the new requests of every Transport that shares it to an
// origin (scheme, host and port) whose server asked its clients to wait: after a
// 429 or 503 with a hint (see StatusError.RetryAfter), capped at the Policy's
// MaxRetryAfter, a request's first attempt to that origin waits until the hint
// has passed, plus up to half of what is left at random, so that the requests
// held back do not all return at once; and no hedge starts to that origin
// meanwhile. The call that received the hint already pauses for it before its
// retry. A request whose context's deadline ends before the cooldown does is not
// sent: RoundTrip fails at once with a *retry.Error of retry.ReasonGate whose
// Refusal is a *CooldownError, which carries what is left of the hint as its
// RetryAfter, for a layer above to honour.
//
// Share one Cooldown per service, as a Budget, through Transport.Cooldown: a
// limiter that has said when to come back then sees no request from any of the
// service's callers before that time. The zero Cooldown is ready to use and safe
// for concurrent use; it must not be copied after first use. It remembers at most
// MaxOrigins origins, forgetting those whose cooldown has passed first, then
// those that end soonest.
type Cooldown struct {
	// MaxOrigins bounds the origins remembered at once; zero means
	// DefaultCooldownOrigins. It must not change once the Cooldown is in use.
	MaxOrigins int

	mu    sync.Mutex
	until map[string]time.Time // origin → the end of its cooldown
}

// CooldownError is the refusal of a request that the Transport did not send: its
// origin is cooling down (see Cooldown), and the request's deadline ends first,
// or its context ended while it waited.
type CooldownError struct {
	// Origin is the origin cooling down, as "https://example.com:443".
	Origin string
	// Left is what was left of the cooldown when the request was refused.
	Left time.Duration
	// Err is the context's error when the context ended during the wait, else
	// nil.
	Err error
}

// Error describes the refusal.
func (e *CooldownError) Error() string {
	msg := "retryhttp: " + e.Origin + " is cooling down for " + e.Left.String()
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg + ", past the request's deadline"
}

// RetryAfter returns Left: the server's hint, for a layer above.
func (e *CooldownError) RetryAfter() time.Duration { return e.Left }

// Unwrap returns Err.
func (e *CooldownError) Unwrap() error { return e.Err }

// errCoolingDown refuses a hedge to an origin that is cooling down.
var errCoolingDown = errors.New("retryhttp: origin cooling down")

// note records that origin's server asked to wait for hint, as capped.
func (c *Cooldown) note(origin string, hint time.Duration) {
	end := time.Now().Add(hint)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.until == nil {
		c.until = make(map[string]time.Time)
	}
	if old, ok := c.until[origin]; ok {
		if end.After(old) {
			c.until[origin] = end
		}
		return
	}
	limit := c.MaxOrigins
	if limit <= 0 {
		limit = DefaultCooldownOrigins
	}
	if len(c.until) >= limit {
		c.evict(limit)
	}
	c.until[origin] = end
}

// evict makes room for one origin: it forgets the origins whose cooldown has
// passed and, if that is not enough, the one that ends soonest.
func (c *Cooldown) evict(limit int) {
	now := time.Now()
	var soonest string
	var first time.Time
	for o, end := range c.until {
		switch {
		case !end.After(now):
			delete(c.until, o)
		case soonest == "" || end.Before(first):
			soonest, first = o, end
		}
	}
	if len(c.until) >= limit {
		delete(c.until, soonest)
	}
}

// left returns how long origin still cools down, or 0.
func (c *Cooldown) left(origin string) time.Duration {
	c.mu.Lock()
	end, ok := c.until[origin]
	c.mu.Unlock()
	if !ok {
		return 0
	}
	return max(time.Until(end), 0)
}

// admit holds back an attempt of class to origin while it cools down: a first
// attempt waits it out (or is refused at once if ctx's deadline ends first),
// a hedge is refused, a retry, which paused for the hint already, goes.
func (c *Cooldown) admit(ctx context.Context, origin string, class retry.Class) error {
	if class != 0 && class != retry.ClassExtra {
		return nil
	}
	left := c.left(origin)
	switch {
	case left <= 0:
		return nil
	case class == retry.ClassExtra:
		return errCoolingDown
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < left {
		return &CooldownError{Origin: origin, Left: left}
	}
	t := time.NewTimer(backoff.Add(left, backoff.Uniform(backoff.HintSource, 0, left/2)))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return &CooldownError{Origin: origin, Left: c.left(origin), Err: ctx.Err()}
	}
}

// origin returns u's origin: its scheme, host and port (the scheme's default
// if u names none), in lower case, as "https://example.com:443".
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(host), port)
}
