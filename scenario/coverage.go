package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

// Kind is the kind of a rule that coverage counts.
type Kind string

// Kinds of rule.
const (
	KindCriterion Kind = "criterion"
	KindExclusion Kind = "exclusion"
	KindProgramme Kind = "programme"
	KindAction    Kind = "action"
)

// rule is one rule of a pack version, as coverage sees it.
type rule struct {
	Kind   Kind
	ID     string
	Title  string
	Source string
}

// versionRules lists a version's criteria, exclusions, programme
// conditions and action triggers, in that order.
func versionRules(v *pathway.Version) []rule {
	var out []rule
	if v.Eligibility != nil {
		for _, r := range v.Eligibility.Criteria {
			out = append(out, rule{KindCriterion, r.ID, r.Title, r.Origin()})
		}
		for _, r := range v.Eligibility.Exclusions {
			out = append(out, rule{KindExclusion, r.ID, r.Title, r.Origin()})
		}
	}
	if v.Programmes != nil {
		for _, p := range v.Programmes.Programmes {
			out = append(out, rule{KindProgramme, p.ID, p.Title, p.Origin()})
		}
	}
	return append(out, versionActions(v)...)
}

// RuleCoverage is what the cases saw of one rule of one pack version.
//
// Pass, Fail and Unknown count the evaluations with each outcome, as the
// assessment reports them: a criterion passes when met; an exclusion fails
// when it applies; a programme's condition passes when the programme suits
// the referral; an action trigger passes when the action is raised (for a
// victim- or child-level action, each victim or child is one evaluation).
type RuleCoverage struct {
	Pack    string `json:"pack"`
	Version string `json:"version"`
	Kind    Kind   `json:"kind"`
	ID      string `json:"id"`
	// Title is the rule's title in the pack, for people.
	Title   string `json:"title"`
	Source  string `json:"source"`
	Pass    int    `json:"pass"`
	Fail    int    `json:"fail"`
	Unknown int    `json:"unknown"`
}

// named is the rule as people read it: "Title (id)", or the id alone.
func (r RuleCoverage) named() string { return named(r.Title, r.ID) }

// Covered reports whether the rule was seen both to pass and to fail.
func (r RuleCoverage) Covered() bool { return r.Pass > 0 && r.Fail > 0 }

// Coverage counts, for every criterion, exclusion, programme condition and
// action trigger of every version of the packs the cases ran under, how
// often each outcome was seen.
//
// A rule is covered when the cases saw it both pass and fail: that is when
// a change to its condition in either direction would make some case fail,
// and it is the boundary testing a rule needs (the 84th and the 85th day).
// Unknown is counted and reported beside it but not required: for many
// rules it cannot happen (the form is always answered on a valid referral,
// and an absent list is empty, not unknown), so requiring it would make full
// coverage impossible, while seeing it where it can happen is worth
// knowing. Percent is covered rules over all rules, times 100; a pack with
// no rules is 100% covered.
//
// Coverage is safe for concurrent use.
type Coverage struct {
	mu    sync.Mutex
	packs []*pathway.Pack
	rules map[coverKey]*RuleCoverage
	order []coverKey
}

type coverKey struct {
	pack          *pathway.Pack
	version, kind string
	id            string
}

// NewCoverage returns an empty Coverage.
func NewCoverage() *Coverage { return &Coverage{rules: map[coverKey]*RuleCoverage{}} }

// Track adds every rule of every version of p, seen or not.
func (c *Coverage) Track(p *pathway.Pack) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.track(p)
}

func (c *Coverage) track(p *pathway.Pack) {
	if p == nil || slices.Contains(c.packs, p) {
		return
	}
	c.packs = append(c.packs, p)
	for _, v := range p.Versions() {
		for _, r := range versionRules(v) {
			k := coverKey{p, v.Version, string(r.Kind), r.ID}
			if _, ok := c.rules[k]; ok {
				continue
			}
			c.rules[k] = &RuleCoverage{Pack: p.Name(), Version: v.Version, Kind: r.Kind, ID: r.ID, Title: r.Title, Source: r.Source}
			c.order = append(c.order, k)
		}
	}
}

// Add counts the outcomes of assessment a of referral r, made under pack p.
func (c *Coverage) Add(p *pathway.Pack, r *referral.Referral, a *pathway.Assessment) {
	if a == nil || p == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.track(p)
	count := func(kind, id, outcome string) {
		rc := c.rules[coverKey{p, a.Pack.Version, kind, id}]
		if rc == nil {
			return
		}
		switch outcome {
		case "pass":
			rc.Pass++
		case "fail":
			rc.Fail++
		default:
			rc.Unknown++
		}
	}
	for _, r := range a.Rules {
		count(r.Kind, r.ID, r.Outcome)
	}
	v := p.Version(a.Pack.Version)
	if v == nil {
		return
	}
	for id, outcomes := range actionOutcomes(v, r, a) {
		for _, o := range outcomes {
			count(string(KindAction), id, o)
		}
	}
}

// Rules returns every rule's coverage, pack by pack and version by version,
// in the order the pack lists them.
func (c *Coverage) Rules() []RuleCoverage {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]RuleCoverage, len(c.order))
	for i, k := range c.order {
		out[i] = *c.rules[k]
	}
	return out
}

// Percent is the share of rules covered, from 0 to 100.
func (c *Coverage) Percent() float64 {
	rules := c.Rules()
	if len(rules) == 0 {
		return 100
	}
	n := 0
	for _, r := range rules {
		if r.Covered() {
			n++
		}
	}
	return 100 * float64(n) / float64(len(rules))
}

// Uncovered returns the rules not covered.
func (c *Coverage) Uncovered() []RuleCoverage {
	return slices.DeleteFunc(c.Rules(), RuleCoverage.Covered)
}

// coverageJSON is the JSON form of a Coverage.
type coverageJSON struct {
	Percent float64        `json:"percent"`
	Covered int            `json:"covered"`
	Total   int            `json:"total"`
	Rules   []RuleCoverage `json:"rules"`
}

// MarshalJSON writes {"percent": P, "covered": N, "total": M, "rules": [...]}.
func (c *Coverage) MarshalJSON() ([]byte, error) {
	rules := c.Rules()
	covered := 0
	for _, r := range rules {
		if r.Covered() {
			covered++
		}
	}
	return json.Marshal(coverageJSON{Percent: round1(c.Percent()), Covered: covered, Total: len(rules), Rules: rules})
}

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

// WriteText writes the coverage as a table, one rule a row, each rule named
// last by its title and id, then the total and the rules not covered. Ids,
// titles, labels and sources from the packs are written with their control
// characters and bidirectional controls escaped.
func (c *Coverage) WriteText(w io.Writer) error {
	e := safetext.String
	rules := c.Rules()
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PACK\tVERSION\tKIND\tPASS\tFAIL\tUNKNOWN\tCOVERED\tRULE")
	covered := 0
	for _, r := range rules {
		mark := "no"
		if r.Covered() {
			mark = "yes"
			covered++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", e(r.Pack), e(r.Version), r.Kind, r.Pass, r.Fail, r.Unknown, mark, e(r.named()))
	}
	_ = tw.Flush()
	fmt.Fprintf(&b, "\nRule coverage: %d of %d rules seen both to pass and to fail (%.1f%%).\n", covered, len(rules), c.Percent())
	if missing := slices.DeleteFunc(rules, RuleCoverage.Covered); len(missing) > 0 {
		b.WriteString("Not covered:\n")
		for _, r := range missing {
			var want []string
			if r.Pass == 0 {
				want = append(want, "pass")
			}
			if r.Fail == 0 {
				want = append(want, "fail")
			}
			fmt.Fprintf(&b, "  %s %s %s %s: never seen to %s (%s)\n", e(r.Pack), e(r.Version), r.Kind, e(r.named()), strings.Join(want, " or "), e(r.Source))
		}
	}
	sw := safetext.NewWriter(w)
	if _, err := io.WriteString(sw, b.String()); err != nil {
		return err
	}
	return sw.Flush()
}
