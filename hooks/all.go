package hooks

import "github.com/tenacious-go/tenacious/retry"

// All returns a Hook that runs hooks one after another, in order, skipping nil
// ones, so that one Policy field can hold several observers: a logger and a metric
// in OnEnd, say. Tenacity has no equivalent (each of its callbacks is one function,
// combined by hand). All copies hooks, so changing the slice later does not change
// the result.
//
// If no hook is left, All returns nil, which a Policy reads as no hook at all; if
// one is left, All returns it as it is.
func All(hooks ...retry.Hook) retry.Hook {
	var kept []retry.Hook
	for _, h := range hooks {
		if h != nil {
			kept = append(kept, h)
		}
	}
	switch len(kept) {
	case 0:
		return nil
	case 1:
		return kept[0]
	}
	reads := false
	for _, h := range kept {
		reads = reads || retry.ReadsTime(h)
	}
	return &all{kept, reads}
}

type all struct {
	hooks []retry.Hook
	reads bool
}

func (h *all) Run(a retry.Attempt) {
	for _, h := range h.hooks {
		h.Run(a)
	}
}

func (h *all) ReadsTime() bool { return h.reads }
