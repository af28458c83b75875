package budget

import "time"

// epoch is the reference of monotonic, read when the package is initialized.
var epoch = time.Now()

// monotonic returns the time since epoch. It reads only the monotonic clock, which
// costs half of time.Now's two clock reads. Inside a testing/synctest bubble it reads
// the bubble's clock, so the difference of two readings in the bubble stays exact,
// but the offset from epoch, which was read outside, can be negative: a caller that
// divides it must round toward negative infinity.
func monotonic() time.Duration { return time.Since(epoch) }
