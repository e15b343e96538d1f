package peers

import "github.com/saferpath/pathway/internal/baseline"

// goPeer is the floor: the rules written as plain Go (internal/baseline),
// as the main module's benchmarks measure against.
type goPeer struct {
	set *Set
}

func newGo(s *Set) *goPeer { return &goPeer{set: s} }

func (p *goPeer) Eval(i int, out *[NumRules]Outcome) error {
	r := p.set.Referrals[i]
	baseline.Kent(r, r.DateSent, out)
	return nil
}
