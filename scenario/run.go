package scenario

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

// Result is the outcome of running one case.
type Result struct {
	Case *Case
	// Assessment is what came; nil when the case could not be assessed.
	Assessment *pathway.Assessment
	// Err says why the case could not be assessed (no pack version in
	// force on its date, say): the case fails.
	Err error
	// Mismatches are the expectations that did not hold.
	Mismatches []Mismatch
	// Duration is how long the case took to run.
	Duration time.Duration
}

// Passed reports whether every expectation held.
func (r *Result) Passed() bool { return r.Err == nil && len(r.Mismatches) == 0 }

// Mismatch is one expectation that did not hold.
type Mismatch struct {
	// Field is decision, failed, unknown, missing, programmes or actions.
	Field    string   `json:"field"`
	Expected []string `json:"expected"`
	Got      []string `json:"got"`
	// Missing were expected and did not come; Unexpected came and were
	// not expected. Both are empty for a decision.
	Missing    []string `json:"missing,omitempty"`
	Unexpected []string `json:"unexpected,omitempty"`
}

// Where is the case's place as file:line.
func (c *Case) Where() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// Pack is the pack the case is assessed under.
func (c *Case) Pack() *pathway.Pack { return c.pack }

// Referral returns a copy of the case's referral, with its overrides
// applied.
func (c *Case) Referral() *referral.Referral {
	if c.referral == nil {
		return nil
	}
	r := *c.referral
	return &r
}

// Run assesses the case and compares what came with what it expects. It
// is safe to call concurrently.
func (c *Case) Run(ctx context.Context) *Result {
	start := time.Now()
	res := &Result{Case: c}
	defer func() { res.Duration = time.Since(start) }()
	if c.pack == nil || c.referral == nil {
		res.Err = fmt.Errorf("the case was not loaded")
		return res
	}
	opts := []pathway.AssessOption{pathway.WithProblems(c.problems)}
	if !c.At.IsZero() {
		opts = append(opts, pathway.At(c.At))
	}
	a, err := c.pack.Assess(ctx, c.referral, opts...)
	if err != nil {
		res.Err = err
		return res
	}
	res.Assessment = a
	e := c.Expect
	if e.Decision != "" && e.Decision != a.Decision {
		res.Mismatches = append(res.Mismatches, Mismatch{Field: "decision",
			Expected: []string{string(e.Decision)}, Got: []string{string(a.Decision)}})
	}
	compare := func(field string, want, got []string) {
		if want == nil {
			return
		}
		got = sorted(got)
		want = sorted(want)
		if slices.Equal(want, got) {
			return
		}
		m := Mismatch{Field: field, Expected: want, Got: got}
		for _, w := range want {
			if !slices.Contains(got, w) {
				m.Missing = append(m.Missing, w)
			}
		}
		for _, g := range got {
			if !slices.Contains(want, g) {
				m.Unexpected = append(m.Unexpected, g)
			}
		}
		res.Mismatches = append(res.Mismatches, m)
	}
	compare("failed", e.Failed, a.Failed)
	compare("unknown", e.Unknown, a.Unknown)
	compare("missing", e.Missing, a.Missing)
	compare("programmes", e.Programmes, a.ProgrammeIDs())
	compare("actions", e.Actions, a.ActionIDs())
	return res
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Run runs every case of the files in order, adding what they saw to cov
// when it is not nil.
func Run(ctx context.Context, files []*File, cov *Coverage) []*Result {
	var out []*Result
	for _, f := range files {
		if cov != nil {
			cov.Track(f.Pack)
		}
		for _, c := range f.Cases {
			res := c.Run(ctx)
			if cov != nil {
				cov.Add(c.pack, c.referral, res.Assessment)
			}
			out = append(out, res)
		}
	}
	return out
}

// WriteText writes a failed case for people: its file:line and name, then
// each expectation that did not hold, with what was expected and what came
// (ids, as the case writes them), and which rules, programmes or actions
// were missing or unexpected, by their titles with their ids. It writes
// nothing for a case that passed. It never prints a personal value: only
// ids, titles, paths, decisions and problem summaries, each with its
// control characters, bidirectional controls and line breaks escaped.
func (r *Result) WriteText(w io.Writer) error {
	if r.Passed() {
		return nil
	}
	e := safetext.String
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s: %s\n", e(r.Case.Where()), e(r.Case.Name))
	if r.Err != nil {
		fmt.Fprintf(&b, "    cannot assess: %s\n", e(r.Err.Error()))
	}
	for _, m := range r.Mismatches {
		label := m.Field + ":"
		if m.Field == "decision" {
			fmt.Fprintf(&b, "    %-12s expected %s, got %s\n", label, e(m.Expected[0]), e(m.Got[0]))
			continue
		}
		fmt.Fprintf(&b, "    %-12s expected %s, got %s\n", label, list(m.Expected), list(m.Got))
		if len(m.Missing) > 0 {
			fmt.Fprintf(&b, "    %-12s missing: %s\n", "", r.names(m.Field, m.Missing))
		}
		if len(m.Unexpected) > 0 {
			fmt.Fprintf(&b, "    %-12s unexpected: %s\n", "", r.names(m.Field, m.Unexpected))
		}
	}
	if a := r.Assessment; a != nil && a.Decision == pathway.Invalid && len(r.Mismatches) > 0 {
		b.WriteString("    the referral is invalid:\n")
		for _, d := range a.Problems {
			where := d.Path
			if where == "" {
				where = d.Range.String()
			}
			fmt.Fprintf(&b, "      - %s: %s\n", e(where), e(d.Summary))
		}
	}
	sw := safetext.NewWriter(w)
	if _, err := io.WriteString(sw, b.String()); err != nil {
		return err
	}
	return sw.Flush()
}

func list(ids []string) string { return "[" + safetext.String(strings.Join(ids, ", ")) + "]" }

// names lists the ids of a mismatch as people read them: rules,
// programmes and actions by their titles with their ids, "Title (id)",
// separated by semicolons (a title may hold a comma); answer paths
// (missing) as they are. Each is escaped.
func (r *Result) names(field string, ids []string) string {
	if field == "missing" || r.Assessment == nil {
		return safetext.String(strings.Join(ids, ", "))
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = safetext.String(r.Assessment.Named(id))
	}
	return strings.Join(out, "; ")
}

func named(title, id string) string {
	if title == "" || title == id {
		return id
	}
	return title + " (" + id + ")"
}

// Summary counts the results that passed and failed.
func Summary(results []*Result) (passed, failed int) {
	for _, r := range results {
		if r.Passed() {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}
