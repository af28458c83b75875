module github.com/tenacious-go/tenacious

go 1.25.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/sync v0.22.0
)

require (
	golang.org/x/net v0.58.0
	golang.org/x/text v0.41.0 // indirect
)
