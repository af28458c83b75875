// Package errchain walks an error's tree the way errors.Is and errors.As do, without
// allocating, for the predicates and waits that look for a method anywhere in it.
package errchain

// Find returns the first error in err's tree, in the pre-order errors.Is uses, that has
// type E (usually an interface type such as interface{ StatusCode() int }). Unlike
// errors.As it does not consult As methods.
func Find[E any](err error) (E, bool) {
	for err != nil {
		if e, ok := err.(E); ok {
			return e, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if e, ok := Find[E](inner); ok {
					return e, true
				}
			}
			var zero E
			return zero, false
		default:
			var zero E
			return zero, false
		}
	}
	var zero E
	return zero, false
}

// Any reports whether f is true for some error in err's tree, visited in the
// pre-order errors.Is uses.
func Any(err error, f func(error) bool) bool {
	for err != nil {
		if f(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if Any(inner, f) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}
