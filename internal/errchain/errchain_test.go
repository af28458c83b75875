package errchain

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The test trees are built from four kinds of node. Each records, in rec, the nodes
// errors.Is visits (through an Is method that never matches), so the order of the
// walk in this package can be compared with the standard library's.
type (
	// mark is the type the tests look for.
	mark struct {
		id  int
		rec *[]int
	}
	// plain is a leaf of another type, held by value.
	plain struct {
		id  int
		rec *[]int
	}
	// wrap has Unwrap() error; err may be nil.
	wrap struct {
		id  int
		rec *[]int
		err error
	}
	// join has Unwrap() []error; errs may hold nil.
	join struct {
		id   int
		rec  *[]int
		errs []error
	}
)

var errProbe = errors.New("errProbe")

func (e *mark) Error() string   { return fmt.Sprintf("mark %d", e.id) }
func (e plain) Error() string   { return fmt.Sprintf("plain %d", e.id) }
func (e *wrap) Error() string   { return fmt.Sprintf("wrap %d", e.id) }
func (e *join) Error() string   { return fmt.Sprintf("join %d", e.id) }
func (e *wrap) Unwrap() error   { return e.err }
func (e *join) Unwrap() []error { return e.errs }
func (e *mark) Code() int       { return e.id }

func (e *mark) Is(t error) bool { return record(e.rec, e.id, t) }
func (e plain) Is(t error) bool { return record(e.rec, e.id, t) }
func (e *wrap) Is(t error) bool { return record(e.rec, e.id, t) }
func (e *join) Is(t error) bool { return record(e.rec, e.id, t) }

func record(rec *[]int, id int, target error) bool {
	if rec != nil && target == errProbe {
		*rec = append(*rec, id)
	}
	return false
}

func idOf(err error) int {
	switch e := err.(type) {
	case *mark:
		return e.id
	case plain:
		return e.id
	case *wrap:
		return e.id
	case *join:
		return e.id
	}
	return -1
}

type coder interface{ Code() int }

func m(id int) *mark                { return &mark{id: id} }
func w(id int, err error) *wrap     { return &wrap{id: id, err: err} }
func j(id int, errs ...error) *join { return &join{id: id, errs: errs} }
func p(id int) plain                { return plain{id: id} }
func std(err error) error           { return fmt.Errorf("std: %w", err) }
func stdJoin(errs ...error) error   { return errors.Join(errs...) }

func TestFind(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		wantID int // -1: not found
	}{
		{"nil", nil, -1},
		{"plain leaf", p(1), -1},
		{"mark leaf", m(1), 1},
		{"wrapped", w(1, w(2, m(3))), 3},
		{"through fmt.Errorf", std(std(m(4))), 4},
		{"unwrap returns nil", w(1, nil), -1},
		{"outer mark first", w(1, m(2)), 2},
		{"first of join", j(1, m(2), m(3)), 2},
		{"pre-order not breadth-first", j(1, w(2, m(3)), m(4)), 3},
		{"skips nil in join", j(1, nil, p(2), nil, m(3)), 3},
		{"empty join", j(1), -1},
		{"nested join", j(1, j(2, p(3), j(4)), w(5, j(6, nil, m(7))), m(8)), 7},
		{"errors.Join", stdJoin(p(1), std(m(2))), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Find[*mark](tt.err)
			gotID := -1
			if ok {
				gotID = got.id
			}
			if gotID != tt.wantID {
				t.Errorf("Find[*mark]: got id %d, want %d", gotID, tt.wantID)
			}
			c, ok := Find[coder](tt.err)
			gotID = -1
			if ok {
				gotID = c.Code()
			}
			if gotID != tt.wantID {
				t.Errorf("Find[coder]: got id %d, want %d", gotID, tt.wantID)
			}
			var target *mark
			found := errors.As(tt.err, &target)
			if found != (tt.wantID >= 0) || found && target.id != tt.wantID {
				t.Errorf("errors.As disagrees with the table: got %v %v, want id %d", found, target, tt.wantID)
			}
		})
	}
}

// asOnly has an As method that would satisfy errors.As for *mark; Find, as
// documented, does not call it.
type asOnly struct{}

func (asOnly) Error() string { return "as only" }
func (asOnly) As(target any) bool {
	if t, ok := target.(**mark); ok {
		*t = m(99)
		return true
	}
	return false
}

func TestFindIgnoresAsMethods(t *testing.T) {
	var target *mark
	if !errors.As(asOnly{}, &target) {
		t.Fatal("errors.As: got false, want true (test is broken)")
	}
	if got, ok := Find[*mark](asOnly{}); ok {
		t.Errorf("Find: got %v, want nothing", got)
	}
}

func TestAny(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []int // ids visited, in order, when f never says yes
	}{
		{"nil", nil, nil},
		{"leaf", p(1), []int{1}},
		{"chain", w(1, w(2, p(3))), []int{1, 2, 3}},
		{"unwrap returns nil", w(1, nil), []int{1}},
		{"join pre-order", j(1, w(2, p(3)), p(4)), []int{1, 2, 3, 4}},
		{"join with nils", j(1, nil, j(2, nil), nil, p(3)), []int{1, 2, 3}},
		{"nested", j(1, j(2, p(3), j(4)), w(5, j(6, nil, m(7))), m(8)), []int{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			if Any(tt.err, func(e error) bool { got = append(got, idOf(e)); return false }) {
				t.Errorf("Any: got true, want false")
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("visited %v, want %v", got, tt.want)
			}
			// Stopping at each node in turn visits exactly the prefix up to it.
			for i, stop := range tt.want {
				var seen []int
				ok := Any(tt.err, func(e error) bool { seen = append(seen, idOf(e)); return idOf(e) == stop })
				if !ok || !slices.Equal(seen, tt.want[:i+1]) {
					t.Errorf("stop at %d: got %v %v, want true %v", stop, ok, seen, tt.want[:i+1])
				}
			}
		})
	}
}

// builder makes an error tree from bytes, for the fuzz test.
type builder struct {
	data []byte
	rec  *[]int
	n    int
}

func (b *builder) next() byte {
	if len(b.data) == 0 {
		return 0
	}
	c := b.data[0]
	b.data = b.data[1:]
	return c
}

func (b *builder) build(depth int) error {
	b.n++
	id, c := b.n, b.next()
	if depth > 8 {
		c = 0
	}
	switch c % 5 {
	case 0:
		return &mark{id, b.rec}
	case 1:
		return plain{id, b.rec}
	case 2:
		return &wrap{id, b.rec, b.build(depth + 1)}
	case 3:
		errs := make([]error, b.next()%4)
		for i := range errs {
			if b.next()%4 != 0 {
				errs[i] = b.build(depth + 1)
			}
		}
		return &join{id, b.rec, errs}
	default:
		return &wrap{id, b.rec, nil}
	}
}

// checkAgainstErrors compares Find and Any with errors.As and errors.Is on the tree
// built from data.
func checkAgainstErrors(t *testing.T, data []byte) {
	var isOrder []int
	root := (&builder{data: data, rec: &isOrder}).build(0)

	errors.Is(root, errProbe)
	var anyOrder []int
	Any(root, func(e error) bool { anyOrder = append(anyOrder, idOf(e)); return false })
	if !slices.Equal(anyOrder, isOrder) {
		t.Fatalf("Any visited %v, errors.Is visited %v", anyOrder, isOrder)
	}

	var want *mark
	wantOK := errors.As(root, &want)
	got, ok := Find[*mark](root)
	if ok != wantOK || got != want {
		t.Fatalf("Find[*mark]: got %v %v, errors.As found %v %v", got, ok, want, wantOK)
	}
	c, ok := Find[coder](root)
	if ok != wantOK || ok && c != coder(want) {
		t.Fatalf("Find[coder]: got %v %v, want %v %v", c, ok, want, wantOK)
	}
}

func TestAgainstErrorsPackage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		data := make([]byte, r.IntN(40))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		checkAgainstErrors(t, data)
	}
}

func FuzzAgainstErrorsPackage(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 2, 0})
	f.Add([]byte{3, 3, 1, 2, 1, 1, 0, 1, 0})
	f.Add([]byte{3, 2, 0, 4, 1, 3, 3, 1, 0, 1, 0})
	f.Fuzz(checkAgainstErrors)
}

func TestNoAllocation(t *testing.T) {
	err := std(stdJoin(p(1), std(w(2, nil)), std(m(3))))
	tests := []struct {
		name string
		f    func()
	}{
		{"Find concrete", func() { Find[*mark](err) }},
		{"Find interface", func() { Find[coder](err) }},
		{"Find miss", func() { Find[interface{ Missing() }](err) }},
		{"Any", func() { Any(err, func(e error) bool { return e == errProbe }) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := testing.AllocsPerRun(100, tt.f); got != 0 {
				t.Errorf("got %v allocations, want 0", got)
			}
		})
	}
}
