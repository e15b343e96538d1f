package peers

import (
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/saferpath/pathway/internal/baseline"
)

// exprPeer runs the pack's own rule text, compiled by expr with a
// daysBetween of its own, on one reused virtual machine. The environment
// is passed by value: by pointer, expr is slower here.
type exprPeer struct {
	progs   []*vm.Program
	envs    []baseline.ExprEnv
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
	opts := baseline.ExprOptions()
	p := &exprPeer{}
	for k, text := range texts {
		prog, err := expr.Compile(text, opts...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", RuleIDs[k], err)
		}
		p.progs = append(p.progs, prog)
	}
	p.envs = make([]baseline.ExprEnv, len(s.Referrals))
	for i, r := range s.Referrals {
		p.envs[i] = baseline.ExprEnvOf(r, r.DateSent)
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
