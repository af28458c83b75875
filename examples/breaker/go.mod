module github.com/tenacious-go/tenacious/examples/breaker

go 1.25.0

replace github.com/tenacious-go/tenacious => ../..

require (
	github.com/sony/gobreaker/v2 v2.4.0
	github.com/tenacious-go/tenacious v0.0.0
)

require golang.org/x/sync v0.22.0 // indirect
