package studio

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/impact"
	"github.com/saferpath/pathway/policydoc"
)

// checkReport is everything the page shows about a draft.
type checkReport struct {
	// OK is true when the draft loads without an error.
	OK bool `json:"ok"`
	// Problems are every problem of the draft, each at its file and line.
	Problems  []problem      `json:"problems"`
	Scenarios scenarioReport `json:"scenarios"`
	Impact    impactReport   `json:"impact"`
	// Document is the policy document as HTML, when the draft loads.
	Document string `json:"document"`
	// Titles are the titles of the rules, programmes and safety action
	// triggers of every version, by id: people read titles, not ids.
	Titles map[string]string `json:"titles"`
}

// problem is one diagnostic as the page shows it: File is a path in the
// pack folder when the problem is in one of its files, and Line, Column,
// EndLine and EndColumn count from 1 (columns in characters).
type problem struct {
	File      string `json:"file"`
	InPack    bool   `json:"inPack"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Summary   string `json:"summary"`
	Detail    string `json:"detail"`
}

func newProblem(d *diag.Diagnostic, file string) problem {
	p := problem{File: file, Line: d.Range.Start.Line, Column: d.Range.Start.Column,
		EndLine: d.Range.End.Line, EndColumn: d.Range.End.Column,
		Severity: d.Severity.String(), Code: d.Code, Summary: d.Summary, Detail: d.Detail}
	if p.EndLine == 0 {
		p.EndLine, p.EndColumn = p.Line, p.Column
	}
	return p
}

// problems turns the loader's diagnostics into the page's, naming files by
// their path in the pack folder.
func (s *Studio) problems(l diag.List) []problem {
	out := make([]problem, 0, len(l))
	for _, d := range l {
		file, ok := s.folder.relative(d.Range.File)
		if !ok {
			file = d.Range.File
		}
		p := newProblem(d, file)
		p.InPack = ok
		out = append(out, p)
	}
	return out
}

// check loads the draft (files by path in the pack folder) in memory and
// reports its problems, the scenarios, the effect on referrals and the
// policy document.
func (s *Studio) check(ctx context.Context, files map[string][]byte) checkReport {
	rep := checkReport{Problems: []problem{}}
	draft, err := pathway.Load(s.folder.draft(files), pathway.NamedAs(s.folder.display))
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			l = diag.List{{Severity: diag.Error, Code: "unreadable", Summary: "The rules cannot be read", Detail: err.Error(), Range: diag.Range{File: s.folder.display}}}
		}
		rep.Problems = s.problems(l)
	}
	rep.OK = draft != nil
	const waiting = "Shown once the rules have no problems."
	switch {
	case s.scenarios == nil:
		rep.Scenarios = scenarioReport{State: "none", Message: "There are no scenarios: start the studio with --scenarios and a folder of scenario files.", Results: []scenarioResult{}, Problems: []problem{}}
	case draft == nil:
		rep.Scenarios = scenarioReport{State: "waiting", Message: "The scenarios run once the rules have no problems.", Results: []scenarioResult{}, Problems: []problem{}}
	default:
		rep.Scenarios = s.scenarios.run(ctx, draft)
	}
	switch {
	case s.corpus == nil:
		rep.Impact = impactReport{State: "none", Message: "There are no referrals to compare: start the studio with --corpus and a file or folder of referrals.", Transitions: []transition{}}
	case s.baseline == nil:
		rep.Impact = impactReport{State: "none", Message: "The rules had problems when the studio opened them, so there is nothing to compare the changes with. Fix and save them, then open the studio again.", Transitions: []transition{}}
	case draft == nil:
		rep.Impact = impactReport{State: "waiting", Message: waiting, Transitions: []transition{}}
	default:
		rep.Impact = s.impact(ctx, draft)
	}
	if draft != nil {
		rep.Document = document(draft)
	}
	rep.Titles = titles(s.baseline, draft)
	return rep
}

// titles maps the ids of the packs' rules to their titles, the later
// pack's titles over the earlier's.
func titles(packs ...*pathway.Pack) map[string]string {
	out := map[string]string{}
	for _, p := range packs {
		for _, v := range p.Versions() {
			if v.Eligibility != nil {
				for _, r := range slices.Concat(v.Eligibility.Criteria, v.Eligibility.Exclusions) {
					if r.Title != "" {
						out[r.ID] = r.Title
					}
				}
			}
			if v.Programmes != nil {
				for _, p := range v.Programmes.Programmes {
					if p.Title != "" {
						out[p.ID] = p.Title
					}
				}
			}
			if v.Safeguarding != nil {
				for _, t := range v.Safeguarding.Triggers {
					if t.Title != "" {
						out[t.ID] = t.Title
					}
				}
			}
		}
	}
	return out
}

// document renders the policy document of p as HTML. Raw HTML in the
// rules' wording is left out, never passed through.
func document(p *pathway.Pack) string {
	var md bytes.Buffer
	if err := policydoc.Write(&md, p); err != nil {
		return ""
	}
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	if err := gm.Convert(md.Bytes(), &out); err != nil {
		return ""
	}
	return out.String()
}

// impactReport is the effect of the draft on the corpus: the referrals
// whose decision, programmes or safety actions change, grouped by
// transition, most referrals first, each with the rules that moved it. It
// holds referral ids, decisions and rule and action ids, never an answer.
type impactReport struct {
	// State is "ran", "none" (nothing to compare) or "waiting" (the
	// draft has problems).
	State       string       `json:"state"`
	Message     string       `json:"message,omitempty"`
	Total       int          `json:"total"`
	Changed     int          `json:"changed"`
	Transitions []transition `json:"transitions"`
}

type transition struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	Count     int     `json:"count"`
	Referrals []moved `json:"referrals"`
}

// moved is one referral that changes, and why.
type moved struct {
	ID                string    `json:"id"`
	MovedBy           []ruleRef `json:"movedBy"`
	ProgrammesAdded   []string  `json:"programmesAdded"`
	ProgrammesRemoved []string  `json:"programmesRemoved"`
	ActionsAdded      []string  `json:"actionsAdded"`
	ActionsRemoved    []string  `json:"actionsRemoved"`
}

// ruleRef names a rule for people: its title, its id, and where the draft
// writes it (no file for a rule the draft removed).
type ruleRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"`
}

// impact compares the draft with the baseline over the corpus, each pack
// as if in force on each referral's date (as `pathway impact` does).
func (s *Studio) impact(ctx context.Context, draft *pathway.Pack) impactReport {
	cmp := impact.New(s.baseline, draft)
	details := map[[2]pathway.Decision][]moved{}
	for seq, it := range s.corpus.items {
		if ctx.Err() != nil {
			return impactReport{State: "waiting", Message: "The comparison was stopped.", Transitions: []transition{}}
		}
		before, after, err := cmp.Add(ctx, seq, it.name, it.r, it.problems)
		if err != nil {
			return impactReport{State: "none", Message: "The referrals could not be compared: " + err.Error(), Transitions: []transition{}}
		}
		if before.Decision == after.Decision && slices.Equal(before.Programmes, after.Programmes) && slices.Equal(before.Actions, after.Actions) {
			continue
		}
		m := moved{ID: it.name,
			ProgrammesAdded: without(after.Programmes, before.Programmes), ProgrammesRemoved: without(before.Programmes, after.Programmes),
			ActionsAdded: without(after.Actions, before.Actions), ActionsRemoved: without(before.Actions, after.Actions)}
		m.MovedBy = s.movedBy(ctx, it, draft)
		key := [2]pathway.Decision{before.Decision, after.Decision}
		details[key] = append(details[key], m)
	}
	for range s.corpus.unread {
		cmp.AddUnread()
	}
	r := cmp.Report()
	rep := impactReport{State: "ran", Total: r.Total, Changed: r.Changed, Transitions: []transition{}}
	for _, t := range r.Transitions {
		rep.Transitions = append(rep.Transitions, transition{From: string(t.From), To: string(t.To), Count: t.Count,
			Referrals: details[[2]pathway.Decision{t.From, t.To}]})
	}
	return rep
}

// movedBy assesses a referral that changes under both packs again, in
// full, and names the rules whose outcome differs.
func (s *Studio) movedBy(ctx context.Context, it item, draft *pathway.Pack) []ruleRef {
	out := []ruleRef{}
	assess := func(p *pathway.Pack) (*pathway.Assessment, *pathway.Version) {
		v := impact.VersionFor(p, it.r.DateSent)
		a, err := p.Assess(ctx, it.r, pathway.UsingVersion(v.Version), pathway.WithProblems(it.problems))
		if err != nil {
			return nil, v
		}
		return a, v
	}
	from, vFrom := assess(s.baseline)
	to, vTo := assess(draft)
	for _, id := range impact.MovedBy(from, to) {
		ref, ok := s.ruleRef(vTo, id, true)
		if !ok {
			ref, _ = s.ruleRef(vFrom, id, false)
		}
		out = append(out, ref)
	}
	return out
}

// ruleRef finds rule id in version v; with where, it says where the rule
// is written, as a path in the pack folder.
func (s *Studio) ruleRef(v *pathway.Version, id string, where bool) (ruleRef, bool) {
	ref := ruleRef{ID: id, Title: id}
	var found *diag.Range
	if v != nil && v.Eligibility != nil {
		for _, r := range slices.Concat(v.Eligibility.Criteria, v.Eligibility.Exclusions) {
			if r.ID == id {
				ref.Title, found = cmp.Or(r.Title, id), &r.IDAt
			}
		}
	}
	if v != nil && v.Programmes != nil && found == nil {
		if p := v.Programmes.Lookup(id); p != nil {
			ref.Title, found = cmp.Or(p.Title, id), &p.IDAt
		}
	}
	if found == nil {
		return ref, false
	}
	if where {
		if file, ok := s.folder.relative(found.File); ok {
			ref.File, ref.Line = file, found.Start.Line
		}
	}
	return ref, true
}

// without returns the ids of a that b does not have, never nil.
func without(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
