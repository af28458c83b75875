package retryhttp

import (
	"context"
	"io"
	"net/http"
	"time"
)

// drainLimit and drainTime bound how much of a discarded response body is read,
// and for how long, so that its connection can be reused; a longer or slower body
// is closed unread and its connection dropped. A hostile server that stalls a
// 503's body cannot hold the round trip longer than drainTime.
const (
	drainLimit = 64 << 10
	drainTime  = 250 * time.Millisecond
)

// discard drains up to drainLimit bytes of resp's body, for at most drainTime and
// no longer than ctx (the request's context) lives, and closes it, so that the
// connection goes back to the pool. Read errors are ignored: the response is being
// thrown away, and a body cut short only costs the connection. lr is the reader
// it drains through, which the caller lends (a round trip's, reused, when only
// its goroutine discards); followsCtx says that the body's reads already end
// with ctx, as net/http's do, so that discard need not watch ctx itself.
func discard(ctx context.Context, resp *http.Response, lr *io.LimitedReader, followsCtx bool) {
	if resp == nil || resp.Body == nil {
		return
	}
	if resp.Body != http.NoBody && resp.ContentLength <= drainLimit && ctx.Err() == nil {
		// Closing the body unblocks a read that waits on a stalled server, or on
		// one that a Base does not end with the context.
		closeBody := func() { _ = resp.Body.Close() }
		timer := time.AfterFunc(drainTime, closeBody)
		unhook := func() bool { return false }
		if !followsCtx {
			unhook = context.AfterFunc(ctx, closeBody)
		}
		// One byte past the limit, to see the end of a body of exactly drainLimit.
		*lr = io.LimitedReader{R: resp.Body, N: drainLimit + 1}
		_, _ = io.Copy(io.Discard, lr)
		*lr = io.LimitedReader{}
		timer.Stop()
		unhook()
	}
	_ = resp.Body.Close()
}

// cancelBody is a response body that releases its attempt's context when it is
// closed: the body of an attempt with a timeout is read under that context, so
// the context lives as long as the body.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// cancelRWBody is a cancelBody for a writable body, as a 101 Switching Protocols
// response has, so that the Write method stays visible.
type cancelRWBody struct {
	cancelBody
	w io.Writer
}

func (b *cancelRWBody) Write(p []byte) (int, error) { return b.w.Write(p) }

// bindBody makes resp's body release cancel when it is closed. A response without
// a body releases it at once.
func bindBody(resp *http.Response, cancel context.CancelFunc) {
	if resp.Body == http.NoBody { // nothing to read: HEAD, 204, 304
		cancel()
		return
	}
	switch body := resp.Body.(type) {
	case nil:
		cancel()
	case io.ReadWriteCloser:
		resp.Body = &cancelRWBody{cancelBody{body, cancel}, body}
	default:
		resp.Body = &cancelBody{body, cancel}
	}
}
