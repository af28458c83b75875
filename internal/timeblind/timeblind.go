// Package timeblind knows the strategies that never look at the measured
// durations of a retry.Attempt (Elapsed and Slept), so that a Retrier made only of
// them need not read the clock, which costs about as much as a fast operation.
//
// The stop, wait and predicate packages register the closures of such
// constructors while they initialize; the engine asks about the strategies of each
// call. A closure is known by its code pointer, which every closure made by the
// same function literal shares. Anything not registered (a func literal of the
// user's, a combinator) counts as reading the clock, so a mistake here can only
// cost speed if a registered closure truly never reads Elapsed or Slept — each
// registering package tests that of every closure it registers.
package timeblind

import "reflect"

// table is an open-addressed hash set of the code pointers of registered closures
// (0 marks a free slot). It is written only during package initialization, which
// happens before any call can read it.
var (
	table [tableSize]uintptr
	count int
)

const (
	tableBits = 7
	tableSize = 1 << tableBits
)

// slot returns where the search for pc starts: Fibonacci hashing of pc.
func slot(pc uintptr) int {
	return int((uint64(pc) * 0x9E3779B97F4A7C15) >> (64 - tableBits))
}

// Register records each fn, a func value, as blind to time. Call it only from an
// init function. It panics if the table is over half full, which would make
// lookups slow: raise tableBits.
func Register(fns ...any) {
	for _, fn := range fns {
		pc := reflect.ValueOf(fn).Pointer()
		i := slot(pc)
		for table[i] != 0 && table[i] != pc {
			i = (i + 1) % tableSize
		}
		if table[i] == 0 {
			if count++; count > tableSize/2 {
				panic("timeblind: table too full")
			}
			table[i] = pc
		}
	}
}

// Blind reports whether fn, a non-nil func value, was made by a registered
// function literal. It allocates nothing.
func Blind(fn any) bool {
	pc := reflect.ValueOf(fn).Pointer()
	for i := slot(pc); table[i] != 0; i = (i + 1) % tableSize {
		if table[i] == pc {
			return true
		}
	}
	return false
}
