package pathway_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/eligibility"
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

// Outcomes of the hand-written rules, as the engine's.
const (
	fail int8 = iota
	pass
	unknown
)

// handWritten is the default pack's eligibility (the criteria and
// exclusions of 2022-08) written as plain Go: the floor the engine is
// measured against. Like the engine, it is three-valued: a rule whose
// answer is missing, where the answer would change the result, is unknown.
func handWritten(r *referral.Referral, today referral.Date, out *[6]int8) {
	s := &r.Subject
	switch s.AcceptsResponsibility {
	case "":
		out[0] = unknown
	case referral.ResponsibilitySome, referral.ResponsibilityFull:
		out[0] = pass
	default:
		out[0] = fail
	}
	out[1] = manageable(s.SubstanceMisuse)
	out[2] = manageable(s.MentalHealth)
	switch {
	case s.ConsentsToInformationSharing == nil:
		out[3] = unknown
	case *s.ConsentsToInformationSharing:
		out[3] = pass
	default:
		out[3] = fail
	}
	switch s.CurrentOrder {
	case "":
		out[4] = unknown
	case referral.OrderCustodial, referral.OrderCommunity:
		out[4] = fail
	default:
		out[4] = pass
	}
	// likely && soon: false when either side is false, unknown when a side
	// is missing and the other is not false.
	likely := unknown
	switch s.LikelyOrder {
	case referral.OrderCustodial, referral.OrderCommunity:
		likely = pass
	case referral.OrderNone:
		likely = fail
	}
	soon := unknown
	if !s.NextCourtDate.IsZero() {
		soon = fail
		if s.NextCourtDate.Days()-today.Days() <= 84 {
			soon = pass
		}
	}
	switch {
	case likely == fail || soon == fail:
		out[5] = pass
	case likely == pass && soon == pass:
		out[5] = fail
	default:
		out[5] = unknown
	}
}

func manageable(m referral.Manageability) int8 {
	switch m {
	case "":
		return unknown
	case referral.ManageabilityUnmanaged:
		return fail
	}
	return pass
}

// rawExprEnv is what a developer would hand raw expr: the referral's values
// in a struct with JSON names.
type rawExprEnv struct {
	Subject struct {
		AcceptsResponsibility        string    `expr:"acceptsResponsibility"`
		SubstanceMisuse              string    `expr:"substanceMisuse"`
		MentalHealth                 string    `expr:"mentalHealth"`
		ConsentsToInformationSharing bool      `expr:"consentsToInformationSharing"`
		CurrentOrder                 string    `expr:"currentOrder"`
		LikelyOrder                  string    `expr:"likelyOrder"`
		NextCourtDate                time.Time `expr:"nextCourtDate"`
	} `expr:"subject"`
	Today time.Time `expr:"today"`
}

func rawExprPrograms(b *testing.B, v *pathway.Version) []*vm.Program {
	days := expr.Function("daysBetween", func(p ...any) (any, error) {
		return int(p[1].(time.Time).Sub(p[0].(time.Time)).Hours() / 24), nil
	}, new(func(time.Time, time.Time) int))
	var progs []*vm.Program
	for _, r := range v.Eligibility.All() {
		p, err := expr.Compile(r.When, expr.Env(rawExprEnv{}), days, expr.AsBool())
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
		var e rawExprEnv
		s := &r.Subject
		e.Subject.AcceptsResponsibility = string(s.AcceptsResponsibility)
		e.Subject.SubstanceMisuse = string(s.SubstanceMisuse)
		e.Subject.MentalHealth = string(s.MentalHealth)
		e.Subject.ConsentsToInformationSharing = *s.ConsentsToInformationSharing
		e.Subject.CurrentOrder = string(s.CurrentOrder)
		e.Subject.LikelyOrder = string(s.LikelyOrder)
		e.Subject.NextCourtDate = s.NextCourtDate.Time()
		e.Today = r.DateSent.Time()
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
		var out [6]int8
		b.ReportAllocs()
		for b.Loop() {
			handWritten(r, r.DateSent, &out)
		}
		if out[0] != pass {
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
	outcome := map[eligibility.Outcome]int8{eligibility.Pass: pass, eligibility.Fail: fail, eligibility.Unknown: unknown}
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
					var out [6]int8
					handWritten(&r, r.DateSent, &out)
					res := v.Eligibility.Evaluate(context.Background(), &r, r.DateSent)
					for i, x := range res {
						require.Equal(t, out[i], outcome[x.Outcome], "%s: responsibility %q, likely %q, court +%d", x.Rule.ID, responsibility, likely, court)
					}
				}
			}
		}
	}
}
