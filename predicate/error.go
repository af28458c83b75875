package predicate

import (
	"errors"
	"strconv"

	"github.com/tenacious-go/tenacious/internal/errchain"
	"github.com/tenacious-go/tenacious/retry"
)

// Error returns a Predicate that retries when f reports true for the attempt's
// error. f never sees a nil error: with Attempt.Err nil the Predicate reports false.
// It is tenacity's retry_if_exception; prefer ErrorIs or ErrorAs when a value or a
// type is all f would look for. Error panics if f is nil.
func Error(f func(error) bool) retry.Predicate {
	if f == nil {
		panic("predicate: Error: nil func")
	}
	return errorFunc(f)
}

type errorFunc func(error) bool

func (f errorFunc) Match(a retry.Attempt) bool { return a.Err != nil && f(a.Err) }
func (errorFunc) ReadsTime() bool              { return false }

// ErrorIs returns a Predicate that retries when errors.Is(Attempt.Err, t) holds for
// any of the targets, such as io.ErrUnexpectedEOF or a package's sentinel error.
// A nil Attempt.Err matches nothing. tenacity, which matches exceptions by class,
// has no equivalent; see ErrorAs for retry_if_exception_type. ErrorIs panics if
// there are no targets or one is nil.
func ErrorIs(targets ...error) retry.Predicate {
	if len(targets) == 0 {
		panic("predicate: ErrorIs: no targets")
	}
	for i, t := range targets {
		if t == nil {
			panic("predicate: ErrorIs: nil target at index " + strconv.Itoa(i))
		}
	}
	targets = append([]error(nil), targets...)
	return errorIs(targets)
}

type errorIs []error

func (targets errorIs) Match(a retry.Attempt) bool {
	if a.Err == nil {
		return false
	}
	for _, t := range targets {
		if errors.Is(a.Err, t) {
			return true
		}
	}
	return false
}

func (errorIs) ReadsTime() bool { return false }

// ErrorAs returns a Predicate that retries when errors.As would find an E in the
// attempt's error tree; E is usually a pointer to an error struct or an interface
// type such as net.Error. A nil Attempt.Err matches nothing. It is tenacity's
// retry_if_exception_type, and Not(ErrorAs[E]()) its retry_if_not_exception_type;
// use Error to look inside the E found.
//
// It allocates nothing unless some error in the tree has an As method, which only
// errors.As can consult.
func ErrorAs[E error]() retry.Predicate {
	return errorAs[E]{}
}

type errorAs[E error] struct{}

func (errorAs[E]) Match(a retry.Attempt) bool {
	if _, ok := errchain.Find[E](a.Err); ok {
		return true
	}
	if !errchain.Any(a.Err, hasAs) {
		return false
	}
	var target E
	return errors.As(a.Err, &target)
}

func (errorAs[E]) ReadsTime() bool { return false }

// hasAs reports whether err has the As method errors.As consults.
func hasAs(err error) bool {
	_, ok := err.(interface{ As(any) bool })
	return ok
}
