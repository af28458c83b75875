package predicate

// transientErrnos is empty: Plan 9 reports system errors as text, not numbers.
var transientErrnos []error
