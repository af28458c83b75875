package budget

import "strconv"

// fmtFloat formats f for a panic message: as short as it can be, exactly.
func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
