package retryhttp

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// unixTimeThreshold is the smallest value of a RateLimit-Reset or
// X-RateLimit-Reset header read as a Unix time rather than as a number of
// seconds: 1,000,000,000, 2001-09-09T01:46:40Z. No server asks for a wait of 31
// years, and every Unix time a server sends today is above it, as GitHub's
// X-RateLimit-Reset is.
const unixTimeThreshold = 1_000_000_000

// parseWholeMillis parses the value of an x-amz-retry-after header: a number of
// milliseconds, one or more ASCII digits and nothing else, as the AWS SDKs read
// it (an integer; "1.5", " 5", "+5", "-1" and "" are not valid). A number too
// large for a time.Duration saturates at the largest one: the result is never
// negative.
func parseWholeMillis(value string) (time.Duration, bool) {
	ms, ok := parseDigits(value, maxMillis)
	if !ok {
		return 0, false
	}
	if ms > maxMillis {
		return backoff.Max, true
	}
	return time.Duration(ms) * time.Millisecond, true
}

// parseRateLimitReset parses the value of a RateLimit-Reset or X-RateLimit-Reset
// header: one or more ASCII digits and nothing else. A number below
// unixTimeThreshold is a number of seconds to wait, the meaning of RateLimit-Reset
// in the early drafts of draft-ietf-httpapi-ratelimit-headers and of
// X-RateLimit-Reset at many servers; a larger one is a Unix time in seconds, the
// meaning of X-RateLimit-Reset at GitHub and others, and the wait is its distance
// from now, as measured by the local clock. A time at or before now is not valid
// (ok false), as an HTTP-date in Retry-After is not; a time too far ahead
// saturates at the largest time.Duration.
func parseRateLimitReset(value string, now time.Time) (time.Duration, bool) {
	// A count saturated above 1e15, 31 million years from 1970, is still a time
	// beyond any Duration from now, and far enough from the int64 limits for
	// time.Unix.
	n, ok := parseDigits(value, 1e15)
	if !ok {
		return 0, false
	}
	if n < unixTimeThreshold {
		return time.Duration(n) * time.Second, true
	}
	d := time.Unix(n, 0).Sub(now) // Sub saturates
	if d <= 0 {
		return 0, false
	}
	return d, true
}

// parseDigits reads 1*DIGIT and nothing else. The count saturates just above
// limit, which must be at most (math.MaxInt64-9)/10: n > limit means more.
func parseDigits(value string, limit int64) (n int64, ok bool) {
	if value == "" {
		return 0, false
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if !isDigit(c) {
			return 0, false
		}
		if n <= limit {
			n = n*10 + int64(c-'0')
		}
	}
	return n, true
}

// parseRateLimit reads the RateLimit field of draft-ietf-httpapi-ratelimit-headers
// (the working group's text of 2025), given its field lines, and returns the
// wait it implies: the largest t parameter (seconds until the quota's reset)
// among the service limit items whose r parameter (the remaining quota) is 0, as
// in
//
//	RateLimit: "default";r=0;t=30
//
// A request needs quota from every policy it counts against, so it must wait for
// the last of the exhausted ones. ok is false when no exhausted item has a t: an
// item with quota left says nothing about when to retry.
//
// The field is a Structured Field List (RFC 9651), its lines joined with ", " as
// RFC 9651 §4.2 says, and it is parsed strictly: the draft requires a client to
// ignore a malformed field, so the whole field counts for nothing (ok false)
// unless it is a valid List whose every member is an Item (not an Inner List)
// with an r that is a non-negative Integer and, if it has a t, a t that is a
// non-negative Integer too ("t=1.5", "t=-1", `t="5"` and a t above 15 digits are
// malformed). Other parameters, such as pk, are skipped once they have been found
// valid; a parameter given twice counts with its last value, as in RFC 9651. An
// Integer has at most 15 digits, so the wait is bounded, but one beyond the
// largest time.Duration saturates at it.
func parseRateLimit(values []string) (time.Duration, bool) {
	p := sfParser{s: strings.Join(values, ", ")}
	p.skipSP()
	wait := int64(-1) // the largest t of an exhausted policy so far
	for p.i < len(p.s) {
		r, t, ok := p.serviceLimitItem()
		if !ok {
			return 0, false
		}
		if r == 0 && t > wait {
			wait = t
		}
		p.skipOWS()
		if p.i == len(p.s) {
			break
		}
		if p.s[p.i] != ',' {
			return 0, false
		}
		p.i++
		p.skipOWS()
		if p.i == len(p.s) {
			return 0, false // a trailing comma
		}
	}
	if wait < 0 {
		return 0, false
	}
	if wait > maxSeconds {
		return backoff.Max, true
	}
	return time.Duration(wait) * time.Second, true
}

// sfParser parses a Structured Field (RFC 9651 §4.2) from s, at index i.
type sfParser struct {
	s string
	i int
}

// sfKind is the type of a bare item that matters here.
type sfKind uint8

const (
	sfAbsent  sfKind = iota // no such parameter
	sfInteger               // an Integer, with its value
	sfOther                 // any other valid bare item
)

// sfValue is a parsed bare item: its kind and, for an Integer, its value.
type sfValue struct {
	kind sfKind
	n    int64
}

// nonNegative reports whether v is an Integer of at least 0.
func (v sfValue) nonNegative() bool { return v.kind == sfInteger && v.n >= 0 }

func (p *sfParser) skipSP() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *sfParser) skipOWS() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// serviceLimitItem parses an Item and its parameters, and returns its r and t,
// -1 for a t that is absent. ok is false if the Item is malformed or is not a
// service limit item (see parseRateLimit).
func (p *sfParser) serviceLimitItem() (r, t int64, ok bool) {
	if p.i < len(p.s) && p.s[p.i] == '(' {
		return 0, 0, false // an Inner List
	}
	if _, ok := p.bareItem(); !ok {
		return 0, 0, false
	}
	var rv, tv sfValue
	for p.i < len(p.s) && p.s[p.i] == ';' {
		p.i++
		p.skipSP()
		key, ok := p.key()
		if !ok {
			return 0, 0, false
		}
		v := sfValue{kind: sfOther} // a parameter without a value is Boolean true
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			if v, ok = p.bareItem(); !ok {
				return 0, 0, false
			}
		}
		switch key {
		case "r":
			rv = v
		case "t":
			tv = v
		}
	}
	if !rv.nonNegative() || tv.kind != sfAbsent && !tv.nonNegative() {
		return 0, 0, false
	}
	if tv.kind == sfAbsent {
		return rv.n, -1, true
	}
	return rv.n, tv.n, true
}

// key parses a parameter's key: lcalpha or "*", then lcalpha, DIGIT, "_", "-",
// "." or "*".
func (p *sfParser) key() (string, bool) {
	start := p.i
	if p.i == len(p.s) || !isLower(p.s[p.i]) && p.s[p.i] != '*' {
		return "", false
	}
	for p.i++; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		if !isLower(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != '*' {
			break
		}
	}
	return p.s[start:p.i], true
}

// bareItem parses a bare item of any type: Integer, Decimal, String, Token, Byte
// Sequence, Boolean, Date or Display String.
func (p *sfParser) bareItem() (sfValue, bool) {
	if p.i == len(p.s) {
		return sfValue{}, false
	}
	switch c := p.s[p.i]; {
	case c == '-' || isDigit(c):
		return p.number()
	case c == '"':
		return sfValue{kind: sfOther}, p.str()
	case isAlpha(c) || c == '*': // a Token
		p.i++
		for p.i < len(p.s) && (isTchar(p.s[p.i]) || p.s[p.i] == ':' || p.s[p.i] == '/') {
			p.i++
		}
		return sfValue{kind: sfOther}, true
	case c == ':':
		return sfValue{kind: sfOther}, p.byteSequence()
	case c == '?':
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '0' || p.s[p.i] == '1') {
			p.i++
			return sfValue{kind: sfOther}, true
		}
	case c == '@':
		p.i++
		if v, ok := p.number(); ok && v.kind == sfInteger {
			return sfValue{kind: sfOther}, true
		}
	case c == '%':
		return sfValue{kind: sfOther}, p.displayString()
	}
	return sfValue{}, false
}

// number parses an Integer (at most 15 digits) or a Decimal (at most 12 digits,
// a dot, and 1 to 3 digits).
func (p *sfParser) number() (sfValue, bool) {
	neg := false
	if p.i < len(p.s) && p.s[p.i] == '-' {
		neg = true
		p.i++
	}
	start, dot, n := p.i, -1, int64(0)
	if p.i == len(p.s) || !isDigit(p.s[p.i]) {
		return sfValue{}, false
	}
scan:
	for ; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		switch {
		case isDigit(c):
			if dot < 0 {
				n = n*10 + int64(c-'0') // 15 digits at most: no overflow
			}
		case c == '.' && dot < 0:
			if p.i-start > 12 {
				return sfValue{}, false
			}
			dot = p.i
		default:
			break scan
		}
		if length := p.i - start + 1; dot < 0 && length > 15 || length > 16 {
			return sfValue{}, false
		}
	}
	if dot >= 0 {
		if frac := p.i - dot - 1; frac < 1 || frac > 3 {
			return sfValue{}, false
		}
		return sfValue{kind: sfOther}, true
	}
	if neg {
		n = -n
	}
	return sfValue{kind: sfInteger, n: n}, true
}

// str parses a String: printable ASCII between double quotes, with \" and \\
// the only escapes.
func (p *sfParser) str() bool {
	for p.i++; p.i < len(p.s); {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '\\':
			if p.i == len(p.s) || p.s[p.i] != '"' && p.s[p.i] != '\\' {
				return false
			}
			p.i++
		case c == '"':
			return true
		case c < 0x20 || c > 0x7e:
			return false
		}
	}
	return false // not closed
}

// byteSequence parses a Byte Sequence: base64 characters between colons.
func (p *sfParser) byteSequence() bool {
	for p.i++; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		if c == ':' {
			p.i++
			return true
		}
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=' {
			return false
		}
	}
	return false // not closed
}

// displayString parses a Display String: %" then printable ASCII and %xx
// escapes (lowercase hex digits), which together must be valid UTF-8, then ".
func (p *sfParser) displayString() bool {
	p.i++
	if p.i == len(p.s) || p.s[p.i] != '"' {
		return false
	}
	var b []byte // the decoded bytes
	for p.i++; p.i < len(p.s); {
		c := p.s[p.i]
		p.i++
		switch {
		case c < 0x20 || c > 0x7e:
			return false
		case c == '%':
			if p.i+2 > len(p.s) || !isLowerHex(p.s[p.i]) || !isLowerHex(p.s[p.i+1]) {
				return false
			}
			b = append(b, unhex(p.s[p.i])<<4|unhex(p.s[p.i+1]))
			p.i += 2
		case c == '"':
			return utf8.Valid(b)
		default:
			b = append(b, c)
		}
	}
	return false // not closed
}

func isLower(c byte) bool    { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool    { return isLower(c) || 'A' <= c && c <= 'Z' }
func isLowerHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' }

func unhex(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return c - 'a' + 10
}

// isTchar reports whether c is a tchar of RFC 9110 §5.6.2.
func isTchar(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
