// Package peers puts Pathway's rule engine beside other ways of writing the
// same rules: raw expr, cel-go, OPA's Rego and hand-written Go. Every peer
// decides the six eligibility rules of the kent pack's 2022-08 version
// (four criteria, two exclusions) for the same referrals, and a test checks
// that they decide alike before any of them is timed.
//
// The benchmarks, and a Markdown table of them:
//
//	go test -run '^$' -bench BenchmarkPeers -benchmem -count 6 . | tee peers.txt
//	benchstat peers.txt
//	go run ./cmd/table -count 6
//
// This is a module of its own, so that the peers' dependencies never reach
// Pathway's.
package peers

import (
	"context"
	"fmt"
	"testing"

	"github.com/saferpath/pathway/internal/baseline"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/internal/corpus"
	"github.com/saferpath/pathway/referral"
)

// NumRules is the number of eligibility rules every peer decides.
const NumRules = baseline.NumRules

// PackVersion is the version of the kent pack whose rules are compared.
const PackVersion = "2022-08"

// RuleIDs are the ids of the rules, in the pack's order (criteria, then
// exclusions): the order of every peer's outcomes.
var RuleIDs = [NumRules]string{
	"accepts-responsibility",
	"substance-misuse-manageable",
	"mental-health-manageable",
	"consents-to-information-sharing",
	"subject-to-order",
	"order-likely-within-12-weeks",
}

// exclusion says which rules are exclusions: their outcome is fail when
// their condition holds.
var exclusion = [NumRules]bool{4: true, 5: true}

// Outcome is a rule's outcome for one referral, as the hand-written floor
// gives it.
type Outcome = baseline.Outcome

// Outcomes, as the engine's: a criterion passes when its condition holds,
// an exclusion fails when its condition holds, and a rule whose answer is
// missing is unknown (only Pathway and hand-written Go tell unknown apart).
const (
	Fail    = baseline.Fail
	Pass    = baseline.Pass
	Unknown = baseline.Unknown
)

// decide turns rule k's condition into its outcome.
func decide(k int, cond bool) Outcome {
	if cond != exclusion[k] {
		return Pass
	}
	return Fail
}

// Set is the referrals every peer is given, with the pack version whose
// rules they decide. Each referral is assessed as on its dateSent.
type Set struct {
	Version   *pathway.Version
	Referrals []*referral.Referral
}

// NewSet decodes the first n referrals of the generated corpus for seed,
// keeping the valid ones (about nineteen in twenty; about one in eight of
// those leaves an eligibility answer out).
func NewSet(n int, seed uint64) (*Set, error) {
	v := pathway.Default().Version(PackVersion)
	if v == nil {
		return nil, fmt.Errorf("the default pack has no version %s", PackVersion)
	}
	rules := v.Eligibility.All()
	if len(rules) != NumRules {
		return nil, fmt.Errorf("version %s has %d eligibility rules, the peers %d", PackVersion, len(rules), NumRules)
	}
	for k, r := range rules {
		if r.ID != RuleIDs[k] || (r.Kind == eligibility.Exclusion) != exclusion[k] {
			return nil, fmt.Errorf("rule %d of version %s is %s (%s), the peers' is %s", k, PackVersion, r.ID, r.Kind, RuleIDs[k])
		}
	}
	s := &Set{Version: v}
	for i := range n {
		r, problems := referral.Read(fmt.Sprintf("corpus-%d.json", i), corpus.Line(i, seed))
		if r == nil || problems.HasErrors() {
			continue
		}
		s.Referrals = append(s.Referrals, r)
	}
	if len(s.Referrals) == 0 {
		return nil, fmt.Errorf("no valid referral among the first %d of the corpus", n)
	}
	return s, nil
}

// Complete reports whether r gives every answer the six rules read: the
// next court date only counts when a custodial or community order is
// likely, since otherwise the rule is decided without it. The two-valued
// peers (expr, cel-go, OPA) decide only such referrals as Pathway does.
func Complete(r *referral.Referral) bool {
	s := &r.Subject
	if s.AcceptsResponsibility == "" || s.SubstanceMisuse == "" || s.MentalHealth == "" ||
		s.ConsentsToInformationSharing == nil || s.CurrentOrder == "" || s.LikelyOrder == "" {
		return false
	}
	likely := s.LikelyOrder == referral.OrderCustodial || s.LikelyOrder == referral.OrderCommunity
	return !likely || !s.NextCourtDate.IsZero()
}

// Peer decides the six rules for the referrals of the set it was made for.
// Any input it needs is built when it is made, once per referral, so that
// only the decision is timed.
type Peer interface {
	// Eval decides the rules for the i-th referral of the set into out, in
	// the order of RuleIDs.
	Eval(i int, out *[NumRules]Outcome) error
}

// Names lists the peers, Pathway first and hand-written Go last.
var Names = []string{"pathway", "expr", "cel", "opa", "go"}

// New makes the peer called name for s.
func New(name string, s *Set) (Peer, error) {
	switch name {
	case "pathway":
		return newEngine(s), nil
	case "expr":
		return newExpr(s)
	case "cel":
		return newCEL(s)
	case "opa":
		return newOPA(s)
	case "go":
		return newGo(s), nil
	}
	return nil, fmt.Errorf("no peer called %q", name)
}

// engine is Pathway's own: the compiled rules of the pack version.
type engine struct {
	set *Set
	ctx context.Context
	buf []eligibility.Result
}

func newEngine(s *Set) *engine {
	return &engine{set: s, ctx: context.Background(), buf: make([]eligibility.Result, 0, NumRules)}
}

var fromEngine = [...]Outcome{eligibility.Pass: Pass, eligibility.Fail: Fail, eligibility.Unknown: Unknown}

func (e *engine) Eval(i int, out *[NumRules]Outcome) error {
	r := e.set.Referrals[i]
	e.buf = e.set.Version.Eligibility.AppendResults(e.ctx, e.buf[:0], r, r.DateSent)
	if len(e.buf) != NumRules {
		return fmt.Errorf("the engine gave %d results", len(e.buf))
	}
	for k, res := range e.buf {
		if res.Err != nil {
			return res.Err
		}
		out[k] = fromEngine[res.Outcome]
	}
	return nil
}

// Bench returns a benchmark of p over the n referrals of its set: one
// referral per operation, all six rules, cycling through the set.
func Bench(p Peer, n int) func(b *testing.B) {
	return func(b *testing.B) {
		var out [NumRules]Outcome
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if err := p.Eval(i, &out); err != nil {
				b.Fatal(err)
			}
			if i++; i == n {
				i = 0
			}
		}
	}
}
