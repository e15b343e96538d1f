package peers

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

//go:embed eligibility.rego
var regoModule string

// regoQuery asks for the six conditions at once, as an array of booleans.
const regoQuery = "data.kent.eligibility.conditions"

// opaPeer evaluates the Rego module through a query prepared once
// (rego.PrepareForEval), on inputs parsed once per referral into ast
// values (rego.EvalParsedInput), which spares OPA converting Go values to
// its own on every evaluation.
type opaPeer struct {
	ctx    context.Context
	query  rego.PreparedEvalQuery
	inputs []ast.Value
}

func newOPA(s *Set) (*opaPeer, error) { return newOPAWith(s, regoModule) }

// newOPAWith makes an OPA peer of the given Rego module.
func newOPAWith(s *Set, module string) (*opaPeer, error) {
	ctx := context.Background()
	q, err := rego.New(rego.Query(regoQuery), rego.Module("eligibility.rego", module)).PrepareForEval(ctx)
	if err != nil {
		return nil, err
	}
	p := &opaPeer{ctx: ctx, query: q}
	for _, r := range s.Referrals {
		sub := &r.Subject
		in := map[string]any{}
		for k, v := range map[string]string{
			"acceptsResponsibility": string(sub.AcceptsResponsibility),
			"substanceMisuse":       string(sub.SubstanceMisuse),
			"mentalHealth":          string(sub.MentalHealth),
			"currentOrder":          string(sub.CurrentOrder),
			"likelyOrder":           string(sub.LikelyOrder),
		} {
			if v != "" {
				in[k] = v
			}
		}
		if sub.ConsentsToInformationSharing != nil {
			in["consentsToInformationSharing"] = *sub.ConsentsToInformationSharing
		}
		if !sub.NextCourtDate.IsZero() {
			in["nextCourtDate"] = sub.NextCourtDate.Days()
		}
		v, err := ast.InterfaceToValue(map[string]any{"subject": in, "today": r.DateSent.Days()})
		if err != nil {
			return nil, err
		}
		p.inputs = append(p.inputs, v)
	}
	return p, nil
}

func (p *opaPeer) Eval(i int, out *[NumRules]Outcome) error {
	rs, err := p.query.Eval(p.ctx, rego.EvalParsedInput(p.inputs[i]))
	if err != nil {
		return err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return fmt.Errorf("the query gave %d results", len(rs))
	}
	conds, ok := rs[0].Expressions[0].Value.([]any)
	if !ok || len(conds) != NumRules {
		return fmt.Errorf("the query gave %v", rs[0].Expressions[0].Value)
	}
	for k, c := range conds {
		b, ok := c.(bool)
		if !ok {
			return fmt.Errorf("%s: gave %v, not a bool", RuleIDs[k], c)
		}
		out[k] = decide(k, b)
	}
	return nil
}
