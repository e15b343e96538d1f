// Package eligibility holds a rule pack's referral criteria and exclusions:
// their parsing from eligibility.yaml, their compiled conditions, and the
// three-valued decision they make together with the programmes' waivers.
//
// A criterion passes when its condition is true; an exclusion applies (its
// outcome is fail) when its condition is true. A rule whose condition needs
// a missing answer that would change the result is unknown. A Rules value is
// immutable and safe for concurrent use. The file's format is described in
// docs/rules.md.
package eligibility

import (
	"context"
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
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

// Rule is one criterion or exclusion. It is part of a loaded pack: do not
// change it.
type Rule struct {
	rule.Rule
	Kind Kind

	cond *engine.Program
	// reasons are the rule's reason for each outcome, by Outcome, written
	// once when the rule is read: the same for every referral.
	reasons [Unknown + 1]string
}

// Reads returns the answers the rule looks at for r as on the date today,
// for explanations; personal values are never among them.
func (r *Rule) Reads(ref *referral.Referral, today referral.Date) []rule.Reading {
	if r == nil || r.cond == nil || ref == nil {
		return nil
	}
	return r.cond.PublicReads(&engine.Env{Root: ref, Today: today, Index: -1})
}

// AppendReads is Reads appending to dst, so that the reads of every rule
// of a referral can share one list.
func (r *Rule) AppendReads(dst []rule.Reading, ref *referral.Referral, today referral.Date) []rule.Reading {
	if r == nil || r.cond == nil || ref == nil {
		return dst
	}
	s := engine.Open(context.Background(), ref, today)
	defer s.Close()
	return r.cond.AppendPublicReads(dst, s.Env())
}

// Rules are a pack version's criteria and exclusions, in file order. The
// zero Rules has none.
type Rules struct {
	Criteria   []*Rule
	Exclusions []*Rule
	// Seen lists the id of every rule the file gives, where it is written,
	// with those that have mistakes: a pack checks ids across its files
	// with it, whatever else is wrong.
	Seen []rule.Rule

	criterionIDs []string
}

// CriterionIDs lists the ids the file gives its criteria, those with
// mistakes too, in file order.
func (rs *Rules) CriterionIDs() []string {
	if rs == nil {
		return nil
	}
	return slices.Clone(rs.criterionIDs)
}

// All returns the criteria then the exclusions.
func (rs *Rules) All() []*Rule {
	if rs == nil {
		return nil
	}
	return append(append([]*Rule{}, rs.Criteria...), rs.Exclusions...)
}

// file is eligibility.yaml as written, and the shape its JSON Schema is
// made from.
type file struct {
	Criteria   []engine.RuleSpec `json:"criteria" jsonschema:"title=Criteria,description=Every criterion must be met: its condition is true when it is.,minItems=1"`
	Exclusions []engine.RuleSpec `json:"exclusions,omitempty" jsonschema:"title=Exclusions,description=An exclusion applies when its condition is true."`
}

// Read reads data, an eligibility.yaml file named name in diagnostics, and
// compiles its rules. Every problem in the file is returned at once, each
// at its file:line:col; with any error among them, the Rules hold only the
// rules without mistakes (and Seen every id).
func Read(name string, data []byte) (*Rules, diag.List) {
	f, problems := yamlsrc.Parse(name, data)
	if f == nil {
		return &Rules{}, problems
	}
	rs, problems := parse(f)
	yamlsrc.Annotate(problems, f)
	return rs, problems
}

func parse(f *yamlsrc.File) (*Rules, diag.List) {
	var raw file
	pos, problems := yamlsrc.Decode(f, f.Root, "", &raw)
	rs := &Rules{}
	schema := engine.ReferralSchema()
	compile := func(specs []engine.RuleSpec, list string, kind Kind) []*Rule {
		var out []*Rule
		for i, spec := range specs {
			meta, prog, errs := engine.CompileRule(f, pos, yamlsrc.Index(list, i), spec, schema)
			problems = append(problems, errs...)
			rs.Seen = append(rs.Seen, meta)
			if kind == Criterion && meta.ID != "" {
				rs.criterionIDs = append(rs.criterionIDs, meta.ID)
			}
			if prog != nil {
				r := &Rule{Rule: meta, Kind: kind, cond: prog}
				for o := Pass; o <= Unknown; o++ {
					r.reasons[o] = reason(r, o)
				}
				out = append(out, r)
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
	problems = append(problems, rule.Duplicates(rs.Seen, "scenarios and reports name rules by id")...)
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

// Evaluate runs every rule for r as on the date today (usually its
// dateSent), criteria first, in file order. A rule that cannot finish
// within the evaluation's limits, or when ctx is done, is unknown with the
// reason in Err.
func (rs *Rules) Evaluate(ctx context.Context, r *referral.Referral, today referral.Date) []Result {
	if rs == nil {
		return nil
	}
	return rs.AppendResults(ctx, make([]Result, 0, len(rs.Criteria)+len(rs.Exclusions)), r, today)
}

// AppendResults is Evaluate appending to dst, so that a caller assessing
// many referrals can reuse one slice.
func (rs *Rules) AppendResults(ctx context.Context, dst []Result, r *referral.Referral, today referral.Date) []Result {
	if rs == nil || r == nil {
		return dst
	}
	var run engine.Run
	run.Start(ctx, r, today)
	defer run.Close()
	n := len(dst)
	dst = slices.Grow(dst, len(rs.Criteria)+len(rs.Exclusions))[:n+len(rs.Criteria)+len(rs.Exclusions)]
	// The loops ask the rule's decider first, inlined: that decides most
	// rules, in a few calls each.
	for i, r := range rs.Criteria {
		if o := run.Quick(r.cond); o != engine.Unknown {
			r.decided(o, &dst[n+i])
		} else {
			r.evaluate(&run, &dst[n+i])
		}
	}
	n += len(rs.Criteria)
	for i, r := range rs.Exclusions {
		if o := run.Quick(r.cond); o != engine.Unknown {
			r.decided(o, &dst[n+i])
		} else {
			r.evaluate(&run, &dst[n+i])
		}
	}
	return dst
}

// evaluate writes the rule's result into out, in place: results are
// written for every rule of every referral, so nothing is copied.
func (r *Rule) evaluate(run *engine.Run, out *Result) {
	o := run.Decide(r.cond)
	if o != engine.Unknown {
		r.decided(o, out)
		return
	}
	out.Rule = r
	out.Outcome = Unknown
	out.Missing, out.Err = run.Undecided()
}

// decided writes the result of a rule whose condition is decided, o being
// True or False, into out.
func (r *Rule) decided(o engine.Outcome, out *Result) {
	out.Rule = r
	out.Outcome = Fail
	if o == engine.True {
		out.Outcome = Pass
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
	if res.Outcome == Unknown && res.Err != nil {
		return fmt.Sprintf("%s: could not be decided: %v. %s", res.Rule.Title, res.Err, res.Rule.Because)
	}
	if res.Outcome <= Unknown {
		if s := res.Rule.reasons[res.Outcome]; s != "" {
			return s
		}
	}
	return reason(res.Rule, res.Outcome)
}

// reason is rule r's reason for an outcome other than an error.
func reason(r *Rule, o Outcome) string {
	var verdict string
	switch {
	case o == Unknown:
		verdict = "cannot be decided until the missing answers are given"
	case r.Kind == Criterion && o == Pass:
		verdict = "met"
	case r.Kind == Criterion:
		verdict = "not met"
	case o == Fail:
		verdict = "applies"
	default:
		verdict = "does not apply"
	}
	return r.Title + ": " + verdict + ". " + r.Because
}
