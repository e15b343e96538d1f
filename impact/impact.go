// Package impact shows what a change to a rule pack does to a corpus of
// referrals before it is published: each referral is assessed under the
// current pack and under the changed one, and the referrals whose decision,
// programmes offered or safety actions differ are grouped by transition,
// each with the rules that moved it (MovedBy).
package impact

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

// Report is the impact of a change on a corpus (JSON: docs/cli.md,
// "pathway impact", with invalid, invalidEntries, titles and each
// transition's movedBy added to its first fields).
type Report struct {
	// Total is the number of referrals assessed, the invalid entries
	// included.
	Total int `json:"total"`
	// Changed is the number whose decision, programmes or actions differ.
	Changed int `json:"changed"`
	// Invalid counts the entries of the corpus that are not referrals at
	// all (not JSON or YAML, not a group of named fields, a line too
	// long): invalid under both packs, they never change.
	Invalid int `json:"invalid"`
	// InvalidEntries names each invalid entry added with AddInvalid, in
	// corpus order.
	InvalidEntries []Entry `json:"invalidEntries"`
	// Transitions group the changed referrals by decision before and
	// after, most referrals first.
	Transitions []Transition `json:"transitions"`
	// Titles gives the title of each rule named in a transition's
	// MovedBy, by id, as the changed rules call it (or, for a rule the
	// change removed, the rules in force).
	Titles map[string]string `json:"titles"`
}

// Entry names an entry of the corpus that is not a referral: its file,
// its line in a JSON Lines file (or where the problem is in a file of one
// referral; 0 when unknown), the problem's code and its summary. It never
// quotes the entry.
type Entry struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Code    string `json:"code"`
	Problem string `json:"problem"`
}

// Transition is one kind of change. From and To are equal when the
// decision stayed the same but the programmes offered or the actions
// changed.
type Transition struct {
	From      pathway.Decision `json:"from"`
	To        pathway.Decision `json:"to"`
	Count     int              `json:"count"`
	Referrals []string         `json:"referrals"`
	// MovedBy gives, for each referral of Referrals, the ids of the rules
	// that moved it, as MovedBy returns them: an empty list when no rule's
	// outcome changed (its safety actions did, or what a programme
	// waives). Two referrals of the transition with the same id share an
	// entry, the rules of both, without repeats.
	MovedBy map[string][]string `json:"movedBy"`
}

// Comparison assesses referrals under two packs and collects the changes.
// Its methods are safe for concurrent use.
type Comparison struct {
	from, to *pathway.Pack

	mu      sync.Mutex
	total   int
	unread  int
	invalid []invalidEntry
	changes map[[2]pathway.Decision]*Transition
	order   map[[2]pathway.Decision][]int // the referrals' positions, to keep input order
	titles  map[string]string
}

type invalidEntry struct {
	seq int
	Entry
}

// New returns a Comparison of the pack from (the rules in force) with the
// pack to (the change).
func New(from, to *pathway.Pack) *Comparison {
	return &Comparison{from: from, to: to, changes: map[[2]pathway.Decision]*Transition{}, order: map[[2]pathway.Decision][]int{},
		titles: map[string]string{}}
}

// VersionFor returns the version of p that a referral dated d is assessed
// under, as if p were in force on d: the version in force on d; else the
// latest version in force before d (a draft's dates may not reach d yet);
// else, for a date before every version, the earliest. A referral with no
// date (an invalid one) gets the latest, as Pack.Assess gives it.
func VersionFor(p *pathway.Pack, d referral.Date) *pathway.Version {
	versions := p.Versions()
	if d.IsZero() {
		return versions[len(versions)-1]
	}
	if v, err := p.InForce(d); err == nil {
		return v
	}
	best := versions[0]
	for _, v := range versions {
		if !v.Effective.From.After(d) {
			best = v
		}
	}
	return best
}

// Outcome is what a pack made of a referral: its decision, programmes
// offered and action ids.
type Outcome struct {
	Decision   pathway.Decision
	Programmes []string
	Actions    []string
}

func (o Outcome) equal(p Outcome) bool {
	return o.Decision == p.Decision && slices.Equal(o.Programmes, p.Programmes) && slices.Equal(o.Actions, p.Actions)
}

// assess assesses r under p as if p were in force on r's date.
func assess(ctx context.Context, p *pathway.Pack, r *referral.Referral, problems diag.List) (*pathway.Assessment, Outcome, error) {
	v := VersionFor(p, r.DateSent)
	a, err := p.Assess(ctx, r, pathway.UsingVersion(v.Version), pathway.WithProblems(problems))
	if err != nil {
		return nil, Outcome{}, err
	}
	progs := slices.Clone(a.ProgrammeIDs())
	slices.Sort(progs)
	return a, Outcome{Decision: a.Decision, Programmes: progs, Actions: a.ActionIDs()}, nil
}

// Add assesses referral r (with the problems found decoding it) under
// both packs, as if each were in force on its dateSent, and records a
// change. name identifies the referral in the report: its id, or where it
// came from when it has none. seq orders the report's referral lists (the
// referral's position in the corpus). It returns the two outcomes. A
// change is recorded with the rules that moved the referral (MovedBy).
func (c *Comparison) Add(ctx context.Context, seq int, name string, r *referral.Referral, problems diag.List) (before, after Outcome, err error) {
	from, before, err := assess(ctx, c.from, r, problems)
	if err != nil {
		return before, after, fmt.Errorf("under the current rules: %w", err)
	}
	to, after, err := assess(ctx, c.to, r, problems)
	if err != nil {
		return before, after, fmt.Errorf("under the changed rules: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	if before.equal(after) {
		return before, after, nil
	}
	key := [2]pathway.Decision{before.Decision, after.Decision}
	t := c.changes[key]
	if t == nil {
		t = &Transition{From: before.Decision, To: after.Decision, MovedBy: map[string][]string{}}
		c.changes[key] = t
	}
	t.Count++
	t.Referrals = append(t.Referrals, name)
	moved := MovedBy(from, to)
	ids := t.MovedBy[name]
	if ids == nil {
		ids = []string{}
	}
	for _, id := range moved {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
		if _, ok := c.titles[id]; !ok {
			c.titles[id] = cmp.Or(to.TitleOf(id), from.TitleOf(id))
		}
	}
	t.MovedBy[name] = ids
	c.order[key] = append(c.order[key], seq)
	return before, after, nil
}

// AddUnread counts a referral that could not be read at all (a line that
// is not JSON) without naming it: it is invalid under both packs, so it
// never changes. AddInvalid names it too.
func (c *Comparison) AddUnread() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	c.unread++
}

// AddInvalid counts an entry that is not a referral at all, as AddUnread
// does, and names it in the report. seq is its position in the corpus,
// as for Add.
func (c *Comparison) AddInvalid(seq int, e Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	c.invalid = append(c.invalid, invalidEntry{seq: seq, Entry: e})
}

// Report returns the changes so far: transitions with the most referrals
// first (then by decision before and after), each listing its referrals in
// corpus order.
func (c *Comparison) Report() Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	rep := Report{Total: c.total, Invalid: c.unread + len(c.invalid), InvalidEntries: []Entry{}, Transitions: []Transition{},
		Titles: maps.Clone(c.titles)}
	invalid := slices.Clone(c.invalid)
	slices.SortStableFunc(invalid, func(a, b invalidEntry) int { return cmp.Compare(a.seq, b.seq) })
	for _, e := range invalid {
		rep.InvalidEntries = append(rep.InvalidEntries, e.Entry)
	}
	for key, t := range c.changes {
		out := *t
		idx := make([]int, len(t.Referrals))
		for i := range idx {
			idx[i] = i
		}
		seqs := c.order[key]
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(seqs[a], seqs[b]) })
		out.Referrals = make([]string, len(idx))
		for i, j := range idx {
			out.Referrals[i] = t.Referrals[j]
		}
		out.MovedBy = make(map[string][]string, len(t.MovedBy))
		for name, ids := range t.MovedBy {
			out.MovedBy[name] = slices.Clone(ids)
		}
		rep.Changed += t.Count
		rep.Transitions = append(rep.Transitions, out)
	}
	slices.SortFunc(rep.Transitions, func(a, b Transition) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	return rep
}

// WriteText writes the report for people: the totals, then each transition
// with its referrals' ids, each with the rules that moved it by their titles
// and ids, then the entries that are not referrals, each at its file:line
// with its problem. It never prints personal data: only ids, titles,
// decisions, file names and problems. Ids, titles and file names are
// written with their control characters, bidirectional controls and line
// breaks escaped.
func (r Report) WriteText(w io.Writer) error {
	e := safetext.String
	var b strings.Builder
	fmt.Fprintf(&b, "%d referral(s) assessed under both packs; %d would change.\n", r.Total, r.Changed)
	if r.Invalid > 0 {
		fmt.Fprintf(&b, "%d of them are not referrals at all: invalid under both packs, they cannot change.\n", r.Invalid)
	}
	for _, t := range r.Transitions {
		label := fmt.Sprintf("%s → %s", e(string(t.From)), e(string(t.To)))
		if t.From == t.To {
			label = fmt.Sprintf("%s, with other programmes or actions", e(string(t.From)))
		}
		fmt.Fprintf(&b, "\n%s: %d\n", label, t.Count)
		for _, id := range t.Referrals {
			fmt.Fprintf(&b, "  %s: %s\n", e(id), r.movedBy(t, id))
		}
	}
	if len(r.InvalidEntries) > 0 {
		fmt.Fprintf(&b, "\nNot referrals: %d\n", len(r.InvalidEntries))
		for _, x := range r.InvalidEntries {
			where := x.File
			if x.Line > 0 {
				where = fmt.Sprintf("%s:%d", x.File, x.Line)
			}
			fmt.Fprintf(&b, "  %s: %s [%s]\n", e(where), e(x.Problem), e(x.Code))
		}
		b.WriteString("Correct or remove them: each file, or each line of a .jsonl file, must hold one referral, a group of named fields.\n")
	}
	sw := safetext.NewWriter(w)
	if _, err := io.WriteString(sw, b.String()); err != nil {
		return err
	}
	return sw.Flush()
}

// movedBy says what moved referral id of transition t: the rules that did,
// by title and id; otherwise why no rule's outcome explains the change.
func (r Report) movedBy(t Transition, id string) string {
	ids := t.MovedBy[id]
	names := make([]string, len(ids))
	for i, rule := range ids {
		names[i] = safetext.String(named(r.Titles[rule], rule))
	}
	switch {
	case t.To == pathway.Invalid && t.From != pathway.Invalid:
		return "invalid under the changed rules: its form fails their checks"
	case t.From == pathway.Invalid && t.To != pathway.Invalid && len(ids) > 0:
		return "valid under the changed rules, and decided by " + strings.Join(names, "; ")
	case t.From == pathway.Invalid && t.To != pathway.Invalid:
		return "valid under the changed rules"
	case len(ids) > 0:
		return "moved by " + strings.Join(names, "; ")
	case t.From == t.To:
		return "no rule's outcome changed: its safety actions did, or what a programme waives"
	}
	return "no rule's outcome changed: what a programme waives did"
}

func named(title, id string) string {
	if title == "" || title == id {
		return id
	}
	return title + " (" + id + ")"
}
