// Package baseline holds what Pathway's rule engine is measured against
// in benchmarks (docs/performance.md): the default pack's eligibility rules
// written by hand in Go, and the environment a developer would hand raw
// expr for the same rules. The benchmarks of the root package and the
// peers' module (bench/peers) share them, so that both measure against
// the same floor.
package baseline

import (
	"time"

	"github.com/expr-lang/expr"

	"github.com/saferpath/pathway/referral"
)

// NumRules is the number of eligibility rules of the default pack's
// 2022-08 version: four criteria, then two exclusions.
const NumRules = 6

// Outcome is a rule's outcome for one referral.
type Outcome int8

// Outcomes, as the engine's: a criterion passes when its condition holds,
// an exclusion fails when its condition holds, and a rule whose answer is
// missing, where the answer would change the result, is unknown.
const (
	Fail Outcome = iota
	Pass
	Unknown
)

// String returns "fail", "pass" or "unknown".
func (o Outcome) String() string {
	switch o {
	case Fail:
		return "fail"
	case Pass:
		return "pass"
	}
	return "unknown"
}

// Kent is the default pack's eligibility (the criteria and exclusions of
// 2022-08) written as plain Go, in the pack's order, for a referral
// assessed as on today. Like the engine, it is three-valued.
func Kent(r *referral.Referral, today referral.Date, out *[NumRules]Outcome) {
	s := &r.Subject
	switch s.AcceptsResponsibility {
	case "":
		out[0] = Unknown
	case referral.ResponsibilitySome, referral.ResponsibilityFull:
		out[0] = Pass
	default:
		out[0] = Fail
	}
	out[1] = manageable(s.SubstanceMisuse)
	out[2] = manageable(s.MentalHealth)
	switch {
	case s.ConsentsToInformationSharing == nil:
		out[3] = Unknown
	case *s.ConsentsToInformationSharing:
		out[3] = Pass
	default:
		out[3] = Fail
	}
	switch s.CurrentOrder {
	case "":
		out[4] = Unknown
	case referral.OrderCustodial, referral.OrderCommunity:
		out[4] = Fail
	default:
		out[4] = Pass
	}
	// likely && soon: false when either side is false, unknown when a side
	// is missing and the other is not false.
	likely := Unknown
	switch s.LikelyOrder {
	case referral.OrderCustodial, referral.OrderCommunity:
		likely = Pass
	case referral.OrderNone:
		likely = Fail
	}
	soon := Unknown
	if !s.NextCourtDate.IsZero() {
		soon = Fail
		if s.NextCourtDate.Days()-today.Days() <= 84 {
			soon = Pass
		}
	}
	switch {
	case likely == Fail || soon == Fail:
		out[5] = Pass
	case likely == Pass && soon == Pass:
		out[5] = Fail
	default:
		out[5] = Unknown
	}
}

func manageable(m referral.Manageability) Outcome {
	switch m {
	case "":
		return Unknown
	case referral.ManageabilityUnmanaged:
		return Fail
	}
	return Pass
}

// ExprEnv is what a developer would hand raw expr: the answers the rules
// read, in a struct with the referral's JSON names. A missing answer is
// its zero value: raw expr knows nothing of unknown answers.
type ExprEnv struct {
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

// ExprEnvOf fills an ExprEnv from r, assessed as on today.
func ExprEnvOf(r *referral.Referral, today referral.Date) ExprEnv {
	var e ExprEnv
	s := &r.Subject
	e.Subject.AcceptsResponsibility = string(s.AcceptsResponsibility)
	e.Subject.SubstanceMisuse = string(s.SubstanceMisuse)
	e.Subject.MentalHealth = string(s.MentalHealth)
	e.Subject.ConsentsToInformationSharing = s.ConsentsToInformationSharing != nil && *s.ConsentsToInformationSharing
	e.Subject.CurrentOrder = string(s.CurrentOrder)
	e.Subject.LikelyOrder = string(s.LikelyOrder)
	if !s.NextCourtDate.IsZero() {
		e.Subject.NextCourtDate = s.NextCourtDate.Time()
	}
	e.Today = today.Time()
	return e
}

// ExprOptions are the options a rule's text is compiled with for raw
// expr: the ExprEnv, a daysBetween of its own, and a yes/no result.
func ExprOptions() []expr.Option {
	days := expr.Function("daysBetween", func(p ...any) (any, error) {
		return int(p[1].(time.Time).Sub(p[0].(time.Time)).Hours() / 24), nil
	}, new(func(time.Time, time.Time) int))
	return []expr.Option{expr.Env(ExprEnv{}), days, expr.AsBool()}
}
