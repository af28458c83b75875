package retry

import (
	"slices"
	"strconv"
	"strings"
)

// TaskError is the failure of one task of a Group in collect-all mode, or of one
// input of MapAll: which task, and its error.
type TaskError struct {
	// Index is the task's number, counting the Group's Go and TryGo calls from 0
	// (a refused TryGo uses one up too), or the input's index in MapAll.
	Index int
	// Err is the task's error, as Run or Do returned it.
	Err error
}

// Error returns "task N: " followed by the task's error.
func (e *TaskError) Error() string { return "task " + strconv.Itoa(e.Index) + ": " + e.Err.Error() }

// Unwrap returns the task's error.
func (e *TaskError) Unwrap() error { return e.Err }

// BatchError reports every failed task of a batch: a Group in collect-all mode, or
// MapAll. errors.Is and errors.As see each task's error through it.
type BatchError struct {
	// Failures holds one TaskError per failed task, in task order.
	Failures []*TaskError
}

// maxListed is how many failures a BatchError's message lists.
const maxListed = 10

// Error counts the failures and lists the first ten, one per line, then says how
// many more there are: a batch of thousands keeps a readable message, and every
// failure stays in Failures.
func (e *BatchError) Error() string {
	var b strings.Builder
	b.WriteString("retry: ")
	b.WriteString(strconv.Itoa(len(e.Failures)))
	if len(e.Failures) == 1 {
		b.WriteString(" task failed")
	} else {
		b.WriteString(" tasks failed")
	}
	for _, f := range e.Failures[:min(len(e.Failures), maxListed)] {
		b.WriteString("\n")
		b.WriteString(f.Error())
	}
	if more := len(e.Failures) - maxListed; more > 0 {
		b.WriteString("\nand ")
		b.WriteString(strconv.Itoa(more))
		b.WriteString(" more")
	}
	return b.String()
}

// Unwrap returns the failures, as errors.
func (e *BatchError) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f
	}
	return errs
}

// batchError sorts failures by index and returns them as a *BatchError, or nil if
// there are none.
func batchError(failures []*TaskError) error {
	if len(failures) == 0 {
		return nil
	}
	slices.SortFunc(failures, func(a, b *TaskError) int { return a.Index - b.Index })
	return &BatchError{Failures: failures}
}
