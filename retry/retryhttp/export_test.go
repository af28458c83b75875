package retryhttp

// ParseRetryAfterMs exports parseRetryAfterMs to the tests of package
// retryhttp_test.
var ParseRetryAfterMs = parseRetryAfterMs
