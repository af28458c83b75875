package retryhttp

// ParseRetryAfterMs exports parseRetryAfterMs to the tests of package
// retryhttp_test.
var ParseRetryAfterMs = parseRetryAfterMs

// The parsers of the other hint headers, and the threshold of a Unix time, for
// the tests of package retryhttp_test.
var (
	ParseWholeMillis    = parseWholeMillis
	ParseRateLimitReset = parseRateLimitReset
	ParseRateLimit      = parseRateLimit
)

const UnixTimeThreshold = unixTimeThreshold

// The Cooldown's internals, for the tests of its memory bound and its keys.
var (
	NoteCooldown = (*Cooldown).note
	CooldownLeft = (*Cooldown).left
	Origin       = origin
)
