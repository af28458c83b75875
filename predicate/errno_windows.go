package predicate

import "syscall"

// transientErrnos are the system errors of a connection that may work next time.
// Winsock reports its own numbers, which package syscall names only in part.
var transientErrnos = []error{
	syscall.ECONNREFUSED,
	syscall.ECONNRESET,
	syscall.ECONNABORTED,
	syscall.EPIPE,
	syscall.ETIMEDOUT,
	syscall.Errno(10061), // WSAECONNREFUSED
	syscall.WSAECONNRESET,
	syscall.WSAECONNABORTED,
	syscall.Errno(10060), // WSAETIMEDOUT
}
