package peers

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// exprEnv is what a developer would hand raw expr: the referral's values
// in a struct with JSON names. A missing answer is its zero value.
type exprEnv struct {
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

// exprPeer runs the pack's own rule text, compiled by expr with a
// daysBetween of its own, on one reused virtual machine. The environment
// is passed by value: by pointer, expr is slower here.
type exprPeer struct {
	progs   []*vm.Program
	envs    []exprEnv
	machine vm.VM
}

func newExpr(s *Set) (*exprPeer, error) {
	var texts [NumRules]string
	for k, r := range s.Version.Eligibility.All() {
		texts[k] = r.When
	}
	return newExprWith(s, texts)
}

// newExprWith makes an expr peer of the given rule texts.
func newExprWith(s *Set, texts [NumRules]string) (*exprPeer, error) {
	days := expr.Function("daysBetween", func(p ...any) (any, error) {
		return int(p[1].(time.Time).Sub(p[0].(time.Time)).Hours() / 24), nil
	}, new(func(time.Time, time.Time) int))
	p := &exprPeer{}
	for k, text := range texts {
		prog, err := expr.Compile(text, expr.Env(exprEnv{}), days, expr.AsBool())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", RuleIDs[k], err)
		}
		p.progs = append(p.progs, prog)
	}
	p.envs = make([]exprEnv, len(s.Referrals))
	for i, r := range s.Referrals {
		e, sub := &p.envs[i], &r.Subject
		e.Subject.AcceptsResponsibility = string(sub.AcceptsResponsibility)
		e.Subject.SubstanceMisuse = string(sub.SubstanceMisuse)
		e.Subject.MentalHealth = string(sub.MentalHealth)
		e.Subject.ConsentsToInformationSharing = sub.ConsentsToInformationSharing != nil && *sub.ConsentsToInformationSharing
		e.Subject.CurrentOrder = string(sub.CurrentOrder)
		e.Subject.LikelyOrder = string(sub.LikelyOrder)
		if !sub.NextCourtDate.IsZero() {
			e.Subject.NextCourtDate = sub.NextCourtDate.Time()
		}
		e.Today = r.DateSent.Time()
	}
	return p, nil
}

func (p *exprPeer) Eval(i int, out *[NumRules]Outcome) error {
	for k, prog := range p.progs {
		v, err := p.machine.Run(prog, p.envs[i])
		if err != nil {
			return err
		}
		out[k] = decide(k, v.(bool))
	}
	return nil
}
