package pathway_test

import (
	"context"
	"os"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/internal/baseline"
	"github.com/saferpath/pathway/referral"
)

// The benchmarks in this file put the engine beside raw expr and beside
// hand-written Go for the same rules, so their ratios come from one run:
//
//	go test -run XXX -bench 'Assess|Load' -benchmem -count 6 . | tee bench.txt
//	benchstat bench.txt

func benchReferral(b testing.TB) *referral.Referral {
	data, err := os.ReadFile("examples/referrals/hr-eligible.json")
	require.NoError(b, err)
	r, problems := referral.Read("hr-eligible.json", data)
	require.Empty(b, problems)
	return r
}

func rawExprPrograms(b *testing.B, v *pathway.Version) []*vm.Program {
	var progs []*vm.Program
	for _, r := range v.Eligibility.All() {
		p, err := expr.Compile(r.When, baseline.ExprOptions()...)
		require.NoError(b, err)
		progs = append(progs, p)
	}
	return progs
}

func BenchmarkAssess(b *testing.B) {
	r := benchReferral(b)
	pack := pathway.Default()
	v, err := pack.InForce(r.DateSent)
	require.NoError(b, err)
	ctx := context.Background()

	b.Run("engine", func(b *testing.B) {
		buf := make([]eligibility.Result, 0, 8)
		b.ReportAllocs()
		for b.Loop() {
			buf = v.Eligibility.AppendResults(ctx, buf[:0], r, r.DateSent)
			if len(buf) != 6 {
				b.Fatal(len(buf))
			}
		}
	})
	b.Run("expr", func(b *testing.B) {
		progs := rawExprPrograms(b, v)
		e := baseline.ExprEnvOf(r, r.DateSent)
		var machine vm.VM
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range progs {
				if _, err := machine.Run(p, e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("go", func(b *testing.B) {
		var out [baseline.NumRules]baseline.Outcome
		b.ReportAllocs()
		for b.Loop() {
			baseline.Kent(r, r.DateSent, &out)
		}
		if out[0] != baseline.Pass {
			b.Fatal("hand-written rules disagree with the example")
		}
	})
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pack.Assess(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pathway.Load(os.DirFS("rules/kent")); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHandWrittenMatchesEngine keeps the benchmark honest: the hand-written
// floor decides as the engine does, unknowns included.
func TestHandWrittenMatchesEngine(t *testing.T) {
	base := benchReferral(t)
	v, err := pathway.Default().InForce(base.DateSent)
	require.NoError(t, err)
	outcome := map[eligibility.Outcome]baseline.Outcome{eligibility.Pass: baseline.Pass, eligibility.Fail: baseline.Fail, eligibility.Unknown: baseline.Unknown}
	for _, responsibility := range []referral.Responsibility{"", "none", "some"} {
		for _, likely := range []referral.Order{"", referral.OrderNone, referral.OrderCustodial} {
			for _, court := range []int{0, 84, 85} {
				for _, consent := range []*bool{nil, referral.No(), referral.Yes()} {
					r := *base
					r.Subject.AcceptsResponsibility = responsibility
					r.Subject.LikelyOrder = likely
					r.Subject.ConsentsToInformationSharing = consent
					r.Subject.NextCourtDate = referral.Date{}
					if court > 0 {
						r.Subject.NextCourtDate = r.DateSent.AddDays(court)
					}
					var out [baseline.NumRules]baseline.Outcome
					baseline.Kent(&r, r.DateSent, &out)
					res := v.Eligibility.Evaluate(context.Background(), &r, r.DateSent)
					for i, x := range res {
						require.Equal(t, out[i], outcome[x.Outcome], "%s: responsibility %q, likely %q, court +%d", x.Rule.ID, responsibility, likely, court)
					}
				}
			}
		}
	}
}
