package peers

import (
	"fmt"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// celRules are the six rules translated to CEL by hand, in the order of
// RuleIDs. Each is the pack's `when`, word for word where the languages
// agree. CEL has no daysBetween: the dates are timestamps at midnight UTC,
// so "no more than 84 days from today to the next court date" is a
// duration of no more than 84 × 24 hours.
var celRules = [NumRules]string{
	// accepts-responsibility (criterion)
	`subject.acceptsResponsibility in ["some", "full"]`,
	// substance-misuse-manageable (criterion)
	`subject.substanceMisuse in ["none", "managed", "manageable"]`,
	// mental-health-manageable (criterion)
	`subject.mentalHealth in ["none", "managed", "manageable"]`,
	// consents-to-information-sharing (criterion)
	`subject.consentsToInformationSharing == true`,
	// subject-to-order (exclusion)
	`subject.currentOrder in ["custodial", "community"]`,
	// order-likely-within-12-weeks (exclusion)
	`subject.likelyOrder in ["custodial", "community"]
	  && subject.nextCourtDate - today <= duration("2016h")`,
}

// celPeer evaluates the CEL rules, type-checked against declared
// variables and planned with OptOptimize (constant lists become sets), on
// activations of CEL values built once per referral.
type celPeer struct {
	progs [NumRules]cel.Program
	acts  []cel.Activation
}

func newCEL(s *Set) (*celPeer, error) { return newCELWith(s, celRules) }

// newCELWith makes a CEL peer of the given translation of the rules.
func newCELWith(s *Set, rules [NumRules]string) (*celPeer, error) {
	env, err := cel.NewEnv(
		cel.Variable("subject.acceptsResponsibility", cel.StringType),
		cel.Variable("subject.substanceMisuse", cel.StringType),
		cel.Variable("subject.mentalHealth", cel.StringType),
		cel.Variable("subject.consentsToInformationSharing", cel.BoolType),
		cel.Variable("subject.currentOrder", cel.StringType),
		cel.Variable("subject.likelyOrder", cel.StringType),
		cel.Variable("subject.nextCourtDate", cel.TimestampType),
		cel.Variable("today", cel.TimestampType),
	)
	if err != nil {
		return nil, err
	}
	p := &celPeer{}
	for k, src := range rules {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			return nil, fmt.Errorf("%s: %w", RuleIDs[k], iss.Err())
		}
		if ast.OutputType() != cel.BoolType {
			return nil, fmt.Errorf("%s: gives %s, not bool", RuleIDs[k], ast.OutputType())
		}
		if p.progs[k], err = env.Program(ast, cel.EvalOptions(cel.OptOptimize)); err != nil {
			return nil, fmt.Errorf("%s: %w", RuleIDs[k], err)
		}
	}
	// A missing answer is its zero value, as for expr.
	for _, r := range s.Referrals {
		sub := &r.Subject
		court := time.Time{}
		if !sub.NextCourtDate.IsZero() {
			court = sub.NextCourtDate.Time()
		}
		act, err := cel.NewActivation(map[string]any{
			"subject.acceptsResponsibility":        types.String(sub.AcceptsResponsibility),
			"subject.substanceMisuse":              types.String(sub.SubstanceMisuse),
			"subject.mentalHealth":                 types.String(sub.MentalHealth),
			"subject.consentsToInformationSharing": types.Bool(sub.ConsentsToInformationSharing != nil && *sub.ConsentsToInformationSharing),
			"subject.currentOrder":                 types.String(sub.CurrentOrder),
			"subject.likelyOrder":                  types.String(sub.LikelyOrder),
			"subject.nextCourtDate":                ref.Val(types.Timestamp{Time: court}),
			"today":                                types.Timestamp{Time: r.DateSent.Time()},
		})
		if err != nil {
			return nil, err
		}
		p.acts = append(p.acts, act)
	}
	return p, nil
}

func (p *celPeer) Eval(i int, out *[NumRules]Outcome) error {
	act := p.acts[i]
	for k, prog := range p.progs {
		v, _, err := prog.Eval(act)
		if err != nil {
			return fmt.Errorf("%s: %w", RuleIDs[k], err)
		}
		b, ok := v.(types.Bool)
		if !ok {
			return fmt.Errorf("%s: gave %v, not a bool", RuleIDs[k], v)
		}
		out[k] = decide(k, bool(b))
	}
	return nil
}
