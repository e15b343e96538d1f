// Package pathway assesses referrals to domestic abuse and stalking
// perpetrator programmes against a rule pack.
//
// A rule pack is a folder of versions, each in force over its effective
// dates, written in YAML by policy staff: criteria and exclusions
// (eligibility.yaml), programmes (programmes.yaml), victim-safety actions
// (safeguarding.yaml) and outcome metrics (outcomes.yaml). Load compiles a
// pack once; Default returns the embedded kent pack. A loaded Pack is
// immutable and safe for concurrent use: assess any number of referrals
// from any number of goroutines.
//
// One referral flows one way: bytes → referral.Read (decode and validate) →
// the pack version in force on the evaluation date → eligibility →
// programmes → safeguarding → Assessment.
//
//	pack := pathway.Default()
//	r, problems := referral.Read("KR-2024-0042.json", data)
//	a, err := pack.Assess(ctx, r, pathway.WithProblems(problems))
//	json.NewEncoder(os.Stdout).Encode(a)
package pathway

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
)

// AssessOption configures one assessment. Options that cannot apply return
// an error.
type AssessOption func(*assessConfig) error

type assessConfig struct {
	at       referral.Date
	version  string
	problems diag.List
}

// At assesses the referral as on date d, instead of its dateSent.
func At(d referral.Date) AssessOption {
	return func(c *assessConfig) error {
		if d.IsZero() {
			return errors.New("the evaluation date is empty")
		}
		c.at = d
		return nil
	}
}

// UsingVersion assesses the referral under the pack version labelled
// version, whatever its effective dates: for comparing versions.
func UsingVersion(version string) AssessOption {
	return func(c *assessConfig) error {
		c.version = version
		return nil
	}
}

// WithProblems adds the problems found while decoding the referral (an
// unknown field, a value of the wrong type): with any error among them, the
// referral is invalid.
func WithProblems(problems diag.List) AssessOption {
	return func(c *assessConfig) error {
		c.problems = append(c.problems, problems...)
		return nil
	}
}

// Assess assesses one referral under the version of the pack in force on
// the evaluation date (the referral's dateSent, or At). It returns an error
// only when it cannot assess at all: a nil referral, no version in force,
// an option that does not apply, or a done context. An invalid referral is
// not an error: its Assessment's decision is invalid, its problems say why,
// and its safeguarding actions are still listed.
func (p *Pack) Assess(ctx context.Context, r *referral.Referral, opts ...AssessOption) (*Assessment, error) {
	if r == nil {
		return nil, errors.New("no referral to assess")
	}
	if p == nil || len(p.versions) == 0 {
		return nil, errors.New("the rule pack has no versions: load one with Load, LoadDir or Default")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var cfg assessConfig
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	at := cfg.at
	if at.IsZero() {
		at = r.DateSent
	}
	v, err := p.pick(at, cfg.version)
	if err != nil {
		return nil, err
	}
	problems := v.validate(r, cfg.problems)
	if len(r.Withheld) > 0 {
		// A role's view leaves answers out: deciding on it would decide
		// on what the role sees, not on what was referred.
		problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "view-not-assessable", Path: "withheld",
			Summary: "This is one role's view of a referral, with answers withheld",
			Detail:  "A view is for reading, not for deciding on. Assess the referral as it was sent."})
	}
	if at.IsZero() {
		// An invalid referral without a date: its actions come from the
		// latest version, and the assessment says which.
		at = v.Effective.To
	}
	a := newAssessment(r.ID, v, at)
	a.version = v
	if problems.HasErrors() {
		problems.Sort()
		a.Decision = Invalid
		a.Problems = withoutExcerpts(problems)
	} else {
		a.decide(ctx, v, r, at)
	}
	// Safety does not wait for eligibility or for a perfect form. A
	// referral with more victims or children than a referral may have is
	// invalid, and its actions are worked out for the first of them only,
	// saying so: nothing iterates over more.
	checked := referral.Capped(r)
	if checked != r {
		a.Problems = append(a.Problems, &diag.Diagnostic{Severity: diag.Warning, Code: "actions-capped",
			Summary: fmt.Sprintf("Safety actions were worked out for the first %d victims and %d children only", referral.MaxVictims, referral.MaxChildren),
			Detail:  "The referral lists more than a referral may. Split it into referrals of at most that many, and check each for safety actions."})
	}
	a.Actions = v.Safeguarding.Actions(ctx, checked, at)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// withoutExcerpts copies problems without their source lines: a line of a
// referral may hold a personal detail, and assessments are shared.
func withoutExcerpts(problems diag.List) diag.List {
	out := make(diag.List, len(problems))
	for i, d := range problems {
		c := *d
		c.Excerpt = ""
		out[i] = &c
	}
	return out
}

// pick chooses the version: by label when asked, else the one in force on
// at, else (for a referral with no date) the latest.
func (p *Pack) pick(at referral.Date, label string) (*Version, error) {
	switch {
	case label != "":
		if v := p.Version(label); v != nil {
			return v, nil
		}
		var labels []string
		for _, v := range p.versions {
			labels = append(labels, v.Version)
		}
		return nil, &NoVersionError{Pack: p.name, Versions: labels}
	case at.IsZero():
		return p.versions[len(p.versions)-1], nil
	}
	return p.InForce(at)
}

// appendNew appends the problems of more whose path has no problem in list
// yet: a value that could not be decoded is not also reported missing.
func appendNew(list, more diag.List) diag.List {
	for _, d := range more {
		if !slices.ContainsFunc(list, func(e *diag.Diagnostic) bool { return e.Path == d.Path && (d.Path != "" || e.Code == d.Code) }) {
			list = append(list, d)
		}
	}
	return list
}

// decide evaluates eligibility and programmes and makes the decision:
// ineligible when an exclusion applies or a criterion fails that no
// programme open to the referral waives; otherwise incomplete when a rule
// cannot be decided; otherwise eligible, with the programmes offered.
func (a *Assessment) decide(ctx context.Context, v *Version, r *referral.Referral, at referral.Date) {
	ex := v.prepared()
	results := v.Eligibility.Evaluate(ctx, r, at)
	conds := v.Programmes.Conditions(ctx, r, at)
	failed, unknown, missing := 0, 0, 0
	for i := range results {
		switch results[i].Outcome {
		case eligibility.Fail:
			failed++
		case eligibility.Unknown:
			unknown++
			missing += len(results[i].Missing)
		}
	}
	a.Rules = make([]RuleResult, 0, len(results)+len(conds))
	if failed > 0 {
		a.Failed = make([]string, 0, failed)
	}
	if unknown > 0 {
		a.Unknown = make([]string, 0, unknown)
		a.Missing = make([]string, 0, missing)
	}
	// The answers every rule read are kept in one list, each rule's its
	// own part of it.
	reads := make([]rule.Reading, 0, 4*(len(results)+len(conds)))
	// The failed criteria are few: they are listed on the stack.
	var failedBuf [8]string
	failedCriteria := failedBuf[:0]
	excluded := false
	for i := range results {
		res := &results[i]
		start := len(reads)
		reads = res.Rule.AppendReads(reads, r, at)
		a.Rules = append(a.Rules, ruleResult(&res.Rule.Rule, string(res.Rule.Kind), res.Outcome, res.Reason(),
			ex.ruleSource(i, &res.Rule.Rule), res.Missing, reads[start:len(reads):len(reads)]))
		switch res.Outcome {
		case eligibility.Fail:
			a.Failed = append(a.Failed, res.Rule.ID)
			if res.Rule.Kind == eligibility.Exclusion {
				excluded = true
			} else {
				failedCriteria = append(failedCriteria, res.Rule.ID)
			}
		case eligibility.Unknown:
			a.Unknown = append(a.Unknown, res.Rule.ID)
			a.Missing = append(a.Missing, res.Missing...)
		}
	}
	// A programme is open to the referral when its condition holds; it
	// can be offered when it also waives every failed criterion. One whose
	// condition cannot be decided might be open: if it could lift the
	// failed criteria, the decision waits for its missing answers.
	liftable := len(failedCriteria) == 0
	for i := range conds {
		c := &conds[i]
		outcome, reason := ex.programmeOutcome(i, c)
		start := len(reads)
		reads = c.Programme.AppendReads(reads, r, at)
		a.Rules = append(a.Rules, ruleResult(&c.Programme.Rule, "programme", outcome, reason,
			ex.programmeSource(i, c.Programme), c.Result.Missing, reads[start:len(reads):len(reads)]))
		if !liftable && c.Result.Truth == rule.True && waives(c.Programme, failedCriteria) {
			liftable = true
		}
	}
	if !excluded && !liftable {
		for i := range conds {
			if c := &conds[i]; c.Result.Truth == rule.Unknown && waives(c.Programme, failedCriteria) {
				// Its condition decides: the referral is incomplete, for
				// want of the answers that would decide it.
				liftable = true
				a.Unknown = append(a.Unknown, c.Programme.ID)
				a.Missing = append(a.Missing, c.Result.Missing...)
			}
		}
	}
	if len(a.Missing) > 1 {
		slices.Sort(a.Missing)
		a.Missing = slices.Compact(a.Missing)
	}
	switch {
	case excluded || !liftable:
		a.Decision = Ineligible
	case len(a.Unknown) > 0:
		a.Decision = Incomplete
	default:
		a.Decision = Eligible
		for i := range conds {
			if c := &conds[i]; c.Result.Truth == rule.True && waives(c.Programme, failedCriteria) {
				a.Programmes = append(a.Programmes, offer(c.Programme, failedCriteria, v))
			}
		}
	}
}

// waives reports whether programme p waives every criterion of failed.
func waives(p *programmes.Programme, failed []string) bool {
	for _, id := range failed {
		if !p.Waived(id) {
			return false
		}
	}
	return true
}

// offer is programme p offered to a referral that does not meet the
// criteria waived, which p waives: its reasons name each of them by its
// title and id.
func offer(p *programmes.Programme, waived []string, v *Version) Offer {
	o := Offer{ID: p.ID, Reasons: make([]string, 1, 1+len(waived)), name: p.Name}
	o.Reasons[0] = p.Because
	for _, id := range waived {
		o.Reasons = append(o.Reasons, "It does not require the criterion "+v.Named(id)+", which this referral does not meet.")
	}
	return o
}

func ruleResult(r *rule.Rule, kind string, outcome eligibility.Outcome, reason, source string, missing []string, reads []rule.Reading) RuleResult {
	return RuleResult{ID: r.ID, Kind: kind, Outcome: outcome.String(), Reason: reason, Reads: readsOf(reads),
		Source: source, Missing: missing, title: r.Title}
}
