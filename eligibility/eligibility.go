// Package eligibility holds a rule pack's referral criteria and exclusions:
// their parsing from eligibility.yaml, their compiled conditions, and the
// three-valued decision they make together with the programmes' waivers.
//
// A criterion passes when its condition is true; an exclusion applies (its
// outcome is fail) when its condition is true. A rule whose condition needs
// a missing answer that would change the result is unknown. A Rules value is
// immutable and safe for concurrent use.
package eligibility

import (
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
)

// Kind is whether a rule is a criterion or an exclusion.
type Kind string

// Kinds of eligibility rule.
const (
	Criterion Kind = "criterion"
	Exclusion Kind = "exclusion"
)

// Outcome is a rule's three-valued outcome.
type Outcome uint8

// Outcomes. A criterion passes when met; an exclusion fails when it applies.
const (
	Pass Outcome = iota + 1
	Fail
	Unknown
)

// String returns "pass", "fail" or "unknown".
func (o Outcome) String() string {
	switch o {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case Unknown:
		return "unknown"
	}
	return "not evaluated"
}

// MarshalText writes the outcome as String does.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Rule is one criterion or exclusion.
type Rule struct {
	engine.Rule
	Kind Kind
}

// Rules are a pack version's criteria and exclusions, in file order.
type Rules struct {
	Criteria   []*Rule
	Exclusions []*Rule
}

// All returns the criteria then the exclusions.
func (rs *Rules) All() []*Rule {
	return append(append([]*Rule{}, rs.Criteria...), rs.Exclusions...)
}

// file is eligibility.yaml as written.
type file struct {
	Criteria   []engine.RuleSpec `json:"criteria"`
	Exclusions []engine.RuleSpec `json:"exclusions"`
}

// Parse reads an eligibility.yaml file and compiles its rules. Every
// problem in the file is returned at once.
func Parse(f *yamlsrc.File) (*Rules, diag.List) {
	var raw file
	pos, problems := yamlsrc.Decode(f, f.Root, "", &raw)
	rs := &Rules{}
	schema := engine.ReferralSchema()
	compile := func(specs []engine.RuleSpec, list string, kind Kind) []*Rule {
		var out []*Rule
		for i, spec := range specs {
			r, errs := engine.CompileRule(f, pos, yamlsrc.Index(list, i), spec, schema)
			problems = append(problems, errs...)
			if r != nil {
				out = append(out, &Rule{Rule: *r, Kind: kind})
			}
		}
		return out
	}
	rs.Criteria = compile(raw.Criteria, "criteria", Criterion)
	rs.Exclusions = compile(raw.Exclusions, "exclusions", Exclusion)
	if len(raw.Criteria) == 0 && !problems.HasErrors() {
		problems = append(problems, f.Diag(f.Root, "no-criteria", "The file has no criteria",
			"A pack needs at least one referral criterion under `criteria:`.", ""))
	}
	return rs, problems
}

// Result is one rule's outcome for one referral.
type Result struct {
	Rule    *Rule
	Outcome Outcome
	// Missing lists the answers that would decide an unknown outcome.
	Missing []string
	// Err says why a rule could not be evaluated; its outcome is then
	// unknown.
	Err error
}

// Evaluate runs every rule for env, criteria first, in file order.
func (rs *Rules) Evaluate(env *engine.Env) []Result {
	return rs.AppendResults(make([]Result, 0, len(rs.Criteria)+len(rs.Exclusions)), env)
}

// AppendResults is Evaluate appending to dst, so that a caller assessing
// many referrals can reuse one slice.
func (rs *Rules) AppendResults(dst []Result, env *engine.Env) []Result {
	s := engine.NewSession(env)
	defer s.Close()
	n := len(dst)
	dst = slices.Grow(dst, len(rs.Criteria)+len(rs.Exclusions))[:n+len(rs.Criteria)+len(rs.Exclusions)]
	for i, r := range rs.Criteria {
		r.evaluate(s, &dst[n+i])
	}
	n += len(rs.Criteria)
	for i, r := range rs.Exclusions {
		r.evaluate(s, &dst[n+i])
	}
	return dst
}

// evaluate writes the rule's result into out, in place: results are
// written for every rule of every referral, so nothing is copied.
func (r *Rule) evaluate(s *engine.Session, out *Result) {
	out.Rule = r
	switch s.Decide(r.Program) {
	case engine.Unknown:
		out.Outcome = Unknown
		out.Missing, out.Err = s.Undecided()
		return
	case engine.True:
		out.Outcome = Pass
	default:
		out.Outcome = Fail
	}
	if r.Kind == Exclusion {
		out.Outcome = Pass + Fail - out.Outcome
	}
	if out.Missing != nil || out.Err != nil {
		out.Missing, out.Err = nil, nil
	}
}

// Reason is the plain-English sentence explaining a result.
func (res Result) Reason() string {
	var verdict string
	switch {
	case res.Outcome == Unknown && res.Err != nil:
		verdict = fmt.Sprintf("could not be decided: %v", res.Err)
	case res.Outcome == Unknown:
		verdict = "cannot be decided until the missing answers are given"
	case res.Rule.Kind == Criterion && res.Outcome == Pass:
		verdict = "met"
	case res.Rule.Kind == Criterion:
		verdict = "not met"
	case res.Outcome == Fail:
		verdict = "applies"
	default:
		verdict = "does not apply"
	}
	return fmt.Sprintf("%s: %s. %s", res.Rule.Title, verdict, res.Rule.Because)
}
