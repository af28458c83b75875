package predicate

import (
	"regexp"
	"strings"

	"github.com/tenacious-go/tenacious/retry"
)

// Message returns a Predicate that retries when the attempt's error message,
// err.Error(), contains substr. A nil Attempt.Err matches nothing. Matching on text
// is a last resort for errors that carry no value or type to test: prefer ErrorIs or
// ErrorAs, and see MessageMatches for a pattern. It is the nearest Go form of
// tenacity's retry_if_exception_message, whose message= wants the whole text
// instead. Message panics if substr is empty.
func Message(substr string) retry.Predicate {
	if substr == "" {
		panic("predicate: Message: empty substring")
	}
	return message(substr)
}

type message string

func (m message) Match(a retry.Attempt) bool {
	return a.Err != nil && strings.Contains(a.Err.Error(), string(m))
}

func (message) ReadsTime() bool { return false }

// MessageMatches returns a Predicate that retries when re matches anywhere in the
// attempt's error message, err.Error(). A nil Attempt.Err matches nothing. It is
// tenacity's retry_if_exception_message(match=...), except that Python's re.match
// is anchored at the start: begin the pattern with ^ for the same effect. See Message
// for a plain substring. MessageMatches panics if re is nil.
func MessageMatches(re *regexp.Regexp) retry.Predicate {
	if re == nil {
		panic("predicate: MessageMatches: nil regexp")
	}
	return messageMatches{re}
}

type messageMatches struct{ re *regexp.Regexp }

func (m messageMatches) Match(a retry.Attempt) bool {
	return a.Err != nil && m.re.MatchString(a.Err.Error())
}

func (messageMatches) ReadsTime() bool { return false }
