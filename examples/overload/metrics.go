package main

import "time"

// recoveryShare is the share of the offered calls that a second must serve
// for goodput to count as recovered.
const recoveryShare = 0.9

// recoveryTail is how long before the horizon a recovery must begin to count:
// goodput must be seen to hold for at least that long.
const recoveryTail = 10 * time.Second

// recovery returns how long after the dip ended goodput recovered: the start of
// the first whole second from which on, up to the horizon, every second served at
// least recoveryShare of the calls that arrived in it. ok is false if goodput did
// not recover recoveryTail before the horizon.
func (r result) recovery(sc scenario) (after time.Duration, ok bool) {
	end := int((sc.dipEnd + time.Second - 1) / time.Second)
	from := len(r.good)
	for s := len(r.good) - 1; s >= end; s-- {
		if float64(r.good[s]) < recoveryShare*float64(r.offered[s]) {
			break
		}
		from = s
	}
	at := time.Duration(from) * time.Second
	if at > sc.horizon-recoveryTail {
		return 0, false
	}
	return at - sc.dipEnd, true
}

// sum returns the total of xs over the seconds [from, to).
func sum(xs []int, from, to time.Duration) int {
	n := 0
	for s := int(from / time.Second); s < int(to/time.Second) && s < len(xs); s++ {
		n += xs[s]
	}
	return n
}

// amplification returns the attempts sent per call offered over [from, to).
func (r result) amplification(from, to time.Duration) float64 {
	return float64(sum(r.sent, from, to)) / float64(max(sum(r.offered, from, to), 1))
}
