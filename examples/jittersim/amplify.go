package main

import (
	"errors"
	"math/rand/v2"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// maxAttempts bounds every call of the amplification experiment.
const maxAttempts = 4

// errUnavailable is the failure of the simulated server, one that the zero
// Policy retries.
var errUnavailable = errors.New("jittersim: unavailable")

// ampRow is one line of the second table: server attempts per offered request at
// failure rate p.
type ampRow struct {
	p         float64
	expected  float64 // 1+p+p²+p³, the amplification with no budget
	none      float64 // no budget
	budgeted  float64 // one budget.Default per burst of one request per client
	sustained float64 // one budget.Default for sustainedRequests requests per client
}

// sustainedRequests is how many requests each client makes, one after another, in
// the sustained column.
const sustainedRequests = 100

// runAmplification measures retry amplification: clients each call a server that
// fails every attempt with probability p, through a retry.Policy that stops after
// maxAttempts attempts and does not pause. It runs trials bursts of one call per
// client without a budget and with a fresh budget.NewQuota(500, 14, 5) (the AWS
// SDKs' quota, the default budget until issue 23) shared by the clients, and trials/10 (at least 1) runs in which each client makes
// sustainedRequests calls against one budget.
func runAmplification(ps []float64, clients, trials int, seed uint64) []ampRow {
	rows := make([]ampRow, len(ps))
	for i, p := range ps {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		row := ampRow{p: p, expected: 1 + p + p*p + p*p*p}
		var none, budgeted, sustained int
		for range trials {
			none += lockstep(policy(nil), clients, 1, p, rng)
			budgeted += lockstep(policy(budget.NewQuota(500, 14, 5)), clients, 1, p, rng)
		}
		runs := max(trials/10, 1)
		for range runs {
			sustained += lockstep(policy(budget.NewQuota(500, 14, 5)), clients, sustainedRequests, p, rng)
		}
		row.none = float64(none) / float64(trials*clients)
		row.budgeted = float64(budgeted) / float64(trials*clients)
		row.sustained = float64(sustained) / float64(runs*clients*sustainedRequests)
		rows[i] = row
	}
	return rows
}

// policy returns the Policy of the experiment with budget b, nil for none.
func policy(b retry.Budget) *retry.Policy {
	return &retry.Policy{Stop: stop.AfterAttempts(maxAttempts), Wait: wait.None(), Budget: b}
}
