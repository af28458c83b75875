package predicate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

func TestError(t *testing.T) {
	boom := errors.New("boom")
	var seen []error
	p := Error(func(err error) bool {
		seen = append(seen, err)
		return errors.Is(err, boom)
	})
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil is never passed to f", nil, false},
		{"match", boom, true},
		{"wrapped match", fmt.Errorf("op: %w", boom), true},
		{"no match", io.EOF, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = nil
			if got := p.Match(at(tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if tt.err == nil && len(seen) != 0 {
				t.Errorf("f called with %v, want no call", seen)
			}
		})
	}
}

// isAll is an error whose Is method claims every target in targets.
type isAll []error

func (isAll) Error() string { return "isAll" }
func (e isAll) Is(target error) bool {
	for _, t := range e {
		if t == target {
			return true
		}
	}
	return false
}

func TestErrorIs(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	tests := []struct {
		name    string
		targets []error
		err     error
		want    bool
	}{
		{"nil err", []error{a}, nil, false},
		{"equal", []error{a}, a, true},
		{"second target", []error{a, b}, b, true},
		{"wrapped", []error{a}, fmt.Errorf("x: %w", fmt.Errorf("y: %w", a)), true},
		{"joined", []error{b}, errors.Join(c, b), true},
		{"none match", []error{a, b}, errors.Join(c, io.EOF), false},
		{"Is method", []error{b}, isAll{b}, true},
		{"stdlib: not exist", []error{fs.ErrNotExist}, &os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorIs(tt.targets...).Match(at(tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestErrorIsCopiesTargets(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	targets := []error{a}
	p := ErrorIs(targets...)
	targets[0] = b
	if got := p.Match(at(a)); !got {
		t.Errorf("after changing the caller's slice: got %v, want true", got)
	}
	if got := p.Match(at(b)); got {
		t.Errorf("after changing the caller's slice: got %v for b, want false", got)
	}
}

type valueErr struct{ n int }

func (e valueErr) Error() string { return fmt.Sprint("value ", e.n) }

// asPathError converts itself to an *fs.PathError through an As method, which only
// errors.As consults.
type asPathError struct{}

func (asPathError) Error() string { return "as path error" }
func (asPathError) As(target any) bool {
	if p, ok := target.(**fs.PathError); ok {
		*p = &fs.PathError{Op: "as", Path: "x", Err: io.EOF}
		return true
	}
	return false
}

func TestErrorAs(t *testing.T) {
	pathErr := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	netErr := &net.OpError{Op: "dial", Err: timeoutErr(true)}
	tests := []struct {
		name string
		p    retry.Predicate
		err  error
		want bool
	}{
		{"nil err", ErrorAs[*fs.PathError](), nil, false},
		{"pointer type", ErrorAs[*fs.PathError](), pathErr, true},
		{"wrapped", ErrorAs[*fs.PathError](), fmt.Errorf("x: %w", pathErr), true},
		{"in a join", ErrorAs[*fs.PathError](), errors.Join(io.EOF, pathErr), true},
		{"other type", ErrorAs[*fs.PathError](), io.EOF, false},
		{"value type", ErrorAs[valueErr](), fmt.Errorf("x: %w", valueErr{1}), true},
		{"pointer to value type is another type", ErrorAs[valueErr](), &valueErr{1}, false},
		{"interface type", ErrorAs[net.Error](), fmt.Errorf("x: %w", netErr), true},
		{"interface type, no match", ErrorAs[net.Error](), io.EOF, false},
		{"As method", ErrorAs[*fs.PathError](), fmt.Errorf("x: %w", asPathError{}), true},
		{"As method, other type", ErrorAs[net.Error](), asPathError{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Match(at(tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestErrorAsAllocations(t *testing.T) {
	pathErr := fmt.Errorf("x: %w", &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist})
	tests := []struct {
		name string
		p    retry.Predicate
		err  error
	}{
		{"match", ErrorAs[*fs.PathError](), pathErr},
		{"interface match", ErrorAs[interface {
			error
			Timeout() bool
		}](), pathErr},
		{"miss without As methods", ErrorAs[*net.OpError](), pathErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := at(tt.err)
			if got := testing.AllocsPerRun(100, func() { tt.p.Match(a) }); got != 0 {
				t.Errorf("got %v allocations, want 0", got)
			}
		})
	}
}
