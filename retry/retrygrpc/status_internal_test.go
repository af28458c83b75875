package retrygrpc

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
)

// TestParsePushback checks gRFC A6's reading of grpc-retry-pushback-ms.
func TestParsePushback(t *testing.T) {
	const max = time.Duration(math.MaxInt64)
	tests := []struct {
		values      []string
		d           time.Duration
		ok, present bool
	}{
		{nil, 0, false, false},
		{[]string{"0"}, 0, true, true},
		{[]string{"250"}, 250 * time.Millisecond, true, true},
		{[]string{"007"}, 7 * time.Millisecond, true, true},
		{[]string{"9223372036854"}, 9223372036854 * time.Millisecond, true, true},
		{[]string{"9223372036855"}, max, true, true}, // one more millisecond than fits
		{[]string{"99999999999999999999999999"}, max, true, true},
		{[]string{"-1"}, 0, false, true},
		{[]string{"-0"}, 0, false, true},
		{[]string{""}, 0, false, true},
		{[]string{"+5"}, 0, false, true},
		{[]string{"5 "}, 0, false, true},
		{[]string{"5ms"}, 0, false, true},
		{[]string{"1e3"}, 0, false, true},
		{[]string{"99999999999999999999x"}, 0, false, true},
		{[]string{"5", "5"}, 0, false, true},
	}
	for _, tt := range tests {
		d, ok, present := parsePushback(tt.values)
		if d != tt.d || ok != tt.ok || present != tt.present {
			t.Errorf("parsePushback(%q) = %v, %v, %v; want %v, %v, %v", tt.values, d, ok, present, tt.d, tt.ok, tt.present)
		}
	}
}

// TestCodeOfAllocatesNothing checks that the predicates read a status code
// without allocating, through wrappers too.
func TestCodeOfAllocatesNothing(t *testing.T) {
	se := newStatusError(status.Error(codes.Unavailable, "down"), nil)
	wrapped := fmt.Errorf("call: %w", se)
	timeout := &attemptTimeoutError{err: se, timeout: time.Second}
	for name, err := range map[string]error{"status": se, "wrapped": wrapped, "timeout": timeout} {
		var code codes.Code
		if a := testing.AllocsPerRun(100, func() { code = codeOf(err) }); a != 0 {
			t.Errorf("%s: codeOf allocates %v times, want 0", name, a)
		}
		want := codes.Unavailable
		if name == "timeout" {
			want = codes.DeadlineExceeded
		}
		if code != want || status.Code(err) != want {
			t.Errorf("%s: codeOf = %v, status.Code = %v; want %v", name, code, status.Code(err), want)
		}
	}
	// *retry.Error's Unwrap makes its slice: an allocation of its own.
	if err := (&retry.Error{Reason: retry.ReasonStop, Last: wrapped}); codeOf(err) != codes.Unavailable {
		t.Errorf("codeOf(*retry.Error) = %v, want Unavailable", codeOf(err))
	}
	if codeOf(errors.New("plain")) != codes.Unknown || codeOf(nil) != codes.OK {
		t.Errorf("codeOf(plain), codeOf(nil) = %v, %v; want Unknown, OK", codeOf(errors.New("plain")), codeOf(nil))
	}
}

// TestDescriptorName checks the conversion of full method names.
func TestDescriptorName(t *testing.T) {
	for in, want := range map[string]string{
		"/pkg.Svc/Method":   "pkg.Svc.Method",
		"/Svc/M":            "Svc.M",
		"pkg.Svc/Method":    "",
		"/pkg.Svc/":         "",
		"//Method":          "",
		"/pkg.Svc/Method/x": "",
		"":                  "",
	} {
		got, ok := descriptorName(in)
		if string(got) != want || ok != (want != "") {
			t.Errorf("descriptorName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
