//go:build !windows && !plan9

package predicate

import "syscall"

// transientErrnos are the system errors of a connection that may work next time.
var transientErrnos = []error{
	syscall.ECONNREFUSED,
	syscall.ECONNRESET,
	syscall.ECONNABORTED,
	syscall.EPIPE,
	syscall.ETIMEDOUT,
}
