// Package programmes holds a rule pack's programme catalogue (what each
// programme addresses, how it is delivered, how many places its funding
// buys, and which referrals it suits) and the capacity ledger that replays
// case events into places used, places free, waiting lists and groups.
//
// A Catalogue is immutable and safe for concurrent use, and so is a History
// (the part of an event log that capacity depends on). A Ledger, built by
// replaying a History as on a date, is mutable and not safe for concurrent
// use.
package programmes

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
)

var (
	addresses  = []string{"stalking", "domestic-abuse", "engagement", "both"}
	deliveries = []string{"one-to-one", "group", "one-to-one-or-group", "case-management"}
)

// Addresses lists what a programme may be for: stalking, domestic-abuse,
// engagement or both. The slice is the caller's own.
func Addresses() []string { return slices.Clone(addresses) }

// Deliveries lists how a programme may be delivered: one-to-one, group,
// one-to-one-or-group or case-management. The slice is the caller's own.
func Deliveries() []string { return slices.Clone(deliveries) }

// Window is a funding window, both ends inclusive.
type Window struct {
	From referral.Date `json:"from"`
	To   referral.Date `json:"to"`
}

// Contains reports whether d falls in the window.
func (w Window) Contains(d referral.Date) bool { return !d.Before(w.From) && !d.After(w.To) }

// Programme is one programme in a pack version: what it is, how it is
// delivered, what its funding buys, and (its rule) which referrals it
// suits. It is part of a loaded pack: do not change it.
type Programme struct {
	rule.Rule
	// Name is the programme's full name (Rule.Title is a short one).
	Name      string
	Addresses string
	Model     string
	Delivery  string
	// Sessions is the number of sessions; 0 when the programme has no
	// fixed number.
	Sessions int
	// SessionHours is the longest a session lasts; 0 when not set.
	SessionHours float64
	// Facilitators is the number of facilitators at each session.
	Facilitators int
	// Places is how many people the funding buys places for over the
	// window, for programmes that are not group programmes; 0 for group
	// programmes and for programmes whose funding sets no number
	// (`uncapped: true` in the file; see Capacity).
	Places int
	// Groups and GroupSize are the funded number of groups and the
	// largest group, for group programmes.
	Groups, GroupSize int
	// Staff describes who delivers it.
	Staff string
	// Waives lists the criterion ids this programme does not require.
	Waives []string
	// Funding is the window the places are funded over.
	Funding Window

	cond *engine.Program
}

// Reads returns the answers the programme's condition looks at for r as on
// the date today, for explanations; personal values are never among them.
func (p *Programme) Reads(r *referral.Referral, today referral.Date) []rule.Reading {
	if p == nil || p.cond == nil || r == nil {
		return nil
	}
	return p.cond.PublicReads(&engine.Env{Root: r, Today: today, Index: -1})
}

// AppendReads is Reads appending to dst, so that the reads of every rule
// of a referral can share one list.
func (p *Programme) AppendReads(dst []rule.Reading, r *referral.Referral, today referral.Date) []rule.Reading {
	if p == nil || p.cond == nil || r == nil {
		return dst
	}
	s := engine.Open(context.Background(), r, today)
	defer s.Close()
	return p.cond.AppendPublicReads(dst, s.Env())
}

// IsGroup reports whether places are counted in groups.
func (p *Programme) IsGroup() bool { return p.Groups > 0 }

// Capacity returns how many people the funding buys places for, and
// whether there is a cap at all.
func (p *Programme) Capacity() (int, bool) {
	if p.IsGroup() {
		return p.Groups * p.GroupSize, true
	}
	return p.Places, p.Places > 0
}

// Waived reports whether the programme waives criterion id.
func (p *Programme) Waived(id string) bool { return slices.Contains(p.Waives, id) }

// Catalogue is a pack version's programmes, in file order. The zero
// Catalogue has none.
type Catalogue struct {
	Programmes []*Programme
	// Seen lists the id of every programme the file gives, where it is
	// written, with those that have mistakes: a pack checks ids across
	// its files with it, whatever else is wrong.
	Seen []rule.Rule
}

// Lookup returns the programme with the given id, or nil.
func (c *Catalogue) Lookup(id string) *Programme {
	if c == nil {
		return nil
	}
	for _, p := range c.Programmes {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// IDs lists the programme ids.
func (c *Catalogue) IDs() []string {
	if c == nil {
		return nil
	}
	ids := make([]string, len(c.Programmes))
	for i, p := range c.Programmes {
		ids[i] = p.ID
	}
	return ids
}

// spec is a programme as written in programmes.yaml, and the shape its
// JSON Schema is made from.
type spec struct {
	engine.RuleSpec
	Name         string   `json:"name" jsonschema:"title=Full name,minLength=1"`
	Addresses    string   `json:"addresses" jsonschema:"title=What it addresses,enum=stalking,enum=domestic-abuse,enum=engagement,enum=both"`
	Model        string   `json:"model" jsonschema:"title=Therapeutic model,minLength=1,example=Dialectical Behaviour Therapy (DBT)"`
	Delivery     string   `json:"delivery" jsonschema:"title=Delivery,enum=one-to-one,enum=group,enum=one-to-one-or-group,enum=case-management"`
	Sessions     int      `json:"sessions,omitempty" jsonschema:"title=Sessions,description=The number of sessions; leave out when there is no fixed number.,minimum=0,maximum=500,example=12"`
	SessionHours float64  `json:"sessionHours,omitempty" jsonschema:"title=Hours a session,description=The longest a session lasts.,minimum=0,maximum=24,example=2.5"`
	Facilitators int      `json:"facilitators,omitempty" jsonschema:"title=Facilitators,description=Facilitators at each session.,minimum=0,maximum=20"`
	Places       int      `json:"places,omitempty" jsonschema:"title=Places,description=People the funding buys places for over its window (one-to-one programmes).,minimum=0,maximum=10000,example=40"`
	Uncapped     bool     `json:"uncapped,omitempty" jsonschema:"title=Uncapped,description=True when the funding buys no set number of places (instead of places)."`
	Groups       int      `json:"groups,omitempty" jsonschema:"title=Groups,description=Groups the funding buys (group programmes).,minimum=0,maximum=10000,example=10"`
	GroupSize    int      `json:"groupSize,omitempty" jsonschema:"title=Group size,description=The largest a group may be (group programmes).,minimum=0,maximum=100,example=8"`
	Staff        string   `json:"staff" jsonschema:"title=Staff,description=Who delivers it.,minLength=1"`
	Waives       []string `json:"waives,omitempty" jsonschema:"title=Waives,description=Criterion ids this programme does not require."`
	Funding      *Window  `json:"funding,omitempty" jsonschema:"title=Funding window,description=The dates the places are funded over; the version's dates when left out."`
}

// file is programmes.yaml as written.
type file struct {
	Programmes []spec `json:"programmes" jsonschema:"title=Programmes,minItems=1"`
}

// Limits on a programme's figures: far above any real programme, low
// enough that a slip of the keyboard (4000 places) is caught.
const (
	maxSessions  = 500
	maxPeople    = 10_000
	maxGroupSize = 100
	maxStaff     = 20
)

// Read reads data, a programmes.yaml file named name in diagnostics, and
// compiles each programme's condition. window is the pack version's
// effective dates, the funding window of every programme that does not set
// its own (the zero Window when they are not known: the funding windows are
// then not checked against them); criteria are the version's criterion ids,
// which `waives` may name. Every problem in the file is returned at once,
// each at its file:line:col; with any error among them, the Catalogue holds
// only the programmes without mistakes (and Seen every id).
//
// A one-to-one programme gives `places` (how many people its funding buys
// places for over the window) or says `uncapped: true` when the funding sets
// no number; a group programme gives `groups` and `groupSize` instead. A
// forgotten figure is a problem, never a silent "no limit". The file's
// format is described in docs/rules.md.
func Read(name string, data []byte, window Window, criteria []string) (*Catalogue, diag.List) {
	f, problems := yamlsrc.Parse(name, data)
	if f == nil {
		return &Catalogue{}, problems
	}
	cat, problems := parse(f, window, criteria)
	yamlsrc.Annotate(problems, f)
	return cat, problems
}

func parse(f *yamlsrc.File, window Window, criteria []string) (*Catalogue, diag.List) {
	var raw file
	pos, problems := yamlsrc.Decode(f, f.Root, "", &raw)
	cat := &Catalogue{}
	if len(raw.Programmes) == 0 && !problems.HasErrors() {
		problems = append(problems, f.Diag(pos.Node("programmes"), "no-programmes", "The file lists no programmes",
			"Every pack version offers at least one programme. List them under `programmes:`, each with an id, a name, its figures and a `when` condition.", "programmes"))
	}
	// failed reports whether decoding already found a problem at path or
	// inside it, so that a value of the wrong type is not reported again
	// as missing.
	decodeProblems := slices.Clone(problems)
	failed := func(paths ...string) bool {
		return slices.ContainsFunc(decodeProblems, func(d *diag.Diagnostic) bool {
			for _, p := range paths {
				if d.Path == p || strings.HasPrefix(d.Path, p+".") || strings.HasPrefix(d.Path, p+"[") {
					return true
				}
			}
			return false
		})
	}
	schema := engine.ReferralSchema()
	for i, s := range raw.Programmes {
		path := yamlsrc.Index("programmes", i)
		at := func(field string) *diagAt { return &diagAt{f: f, pos: pos, path: yamlsrc.Field(path, field)} }
		field := func(names ...string) []string {
			out := make([]string, len(names))
			for i, n := range names {
				out[i] = yamlsrc.Field(path, n)
			}
			return out
		}
		meta, prog, errs := engine.CompileRule(f, pos, path, s.RuleSpec, schema)
		problems = append(problems, errs...)
		cat.Seen = append(cat.Seen, meta)
		need := func(field, value, what string) {
			if value == "" {
				problems = append(problems, at(field).diag("missing-"+field, fmt.Sprintf("The programme has no %s", field),
					fmt.Sprintf("Add `%s:` with %s.", field, what)))
			}
		}
		need("name", s.Name, "the programme's full name")
		need("model", s.Model, "its therapeutic model, such as Dialectical Behaviour Therapy (DBT)")
		need("staff", s.Staff, "who delivers it, such as a trained domestic abuse officer")
		if !slices.Contains(addresses, s.Addresses) {
			problems = append(problems, at("addresses").diag("bad-addresses", "`addresses` is not one of the allowed values",
				fmt.Sprintf("Say what the programme addresses: %s.%s", diag.Quoted(addresses), diag.DidYouMean(s.Addresses, addresses))))
		}
		if !slices.Contains(deliveries, s.Delivery) {
			problems = append(problems, at("delivery").diag("bad-delivery", "`delivery` is not one of the allowed values",
				fmt.Sprintf("Say how it is delivered: %s.%s", diag.Quoted(deliveries), diag.DidYouMean(s.Delivery, deliveries))))
		}
		for _, n := range []struct {
			name       string
			value, max int
		}{{"sessions", s.Sessions, maxSessions}, {"facilitators", s.Facilitators, maxStaff},
			{"places", s.Places, maxPeople}, {"groups", s.Groups, maxPeople}, {"groupSize", s.GroupSize, maxGroupSize}} {
			if n.value < 0 || n.value > n.max {
				problems = append(problems, at(n.name).diag("out-of-range", fmt.Sprintf("`%s` must be between 0 and %d", n.name, n.max),
					fmt.Sprintf("Give a whole number from 0 to %d.", n.max)))
			}
		}
		if s.SessionHours < 0 || s.SessionHours > 24 {
			problems = append(problems, at("sessionHours").diag("bad-hours", "`sessionHours` must be between 0 and 24",
				"Give the longest a session lasts, in hours, such as 2.5."))
		}
		if !failed(field("delivery", "places", "uncapped", "groups", "groupSize")...) {
			problems = append(problems, checkCapacity(s, at)...)
		}
		for j, w := range s.Waives {
			if !slices.Contains(criteria, w) {
				waiver := &diagAt{f: f, pos: pos, path: yamlsrc.Index(yamlsrc.Field(path, "waives"), j)}
				problems = append(problems, waiver.diag("unknown-criterion",
					fmt.Sprintf("There is no criterion %q to waive", w),
					fmt.Sprintf("`waives` names criteria of this pack version: %s.%s", diag.Quoted(criteria), diag.DidYouMean(w, criteria))))
			}
		}
		funding := window
		if s.Funding != nil && !failed(field("funding")...) {
			funding = *s.Funding
			switch {
			case funding.From.IsZero() || funding.To.IsZero() || funding.To.Before(funding.From):
				problems = append(problems, at("funding").diag("bad-funding", "The funding window needs `from` and `to`, with `to` not before `from`",
					fmt.Sprintf("Write funding: {from: %s, to: %s}, or leave it out to use the pack version's dates.", window.From, window.To)))
			case !window.From.IsZero() && (funding.To.Before(window.From) || funding.From.After(window.To)):
				problems = append(problems, at("funding").diag("funding-outside-version",
					"The funding window does not meet the dates this version is in force",
					fmt.Sprintf("The programme is funded %s to %s, but this version is in force %s to %s, so it could never be allocated. Correct the dates, or leave `funding` out to use the version's.",
						funding.From, funding.To, window.From, window.To)))
			}
		}
		if prog == nil {
			continue
		}
		cat.Programmes = append(cat.Programmes, &Programme{Rule: meta, cond: prog, Name: s.Name, Addresses: s.Addresses, Model: s.Model,
			Delivery: s.Delivery, Sessions: s.Sessions, SessionHours: s.SessionHours, Facilitators: s.Facilitators,
			Places: s.Places, Groups: s.Groups, GroupSize: s.GroupSize, Staff: s.Staff, Waives: s.Waives, Funding: funding})
	}
	problems = append(problems, rule.Duplicates(cat.Seen, "scenarios, reports and the capacity ledger name programmes by id")...)
	return cat, problems
}

// checkCapacity checks that a programme says what its funding buys: places
// for one-to-one delivery, groups of a size for group delivery, or that it
// is uncapped.
func checkCapacity(s spec, at func(string) *diagAt) diag.List {
	var problems diag.List
	add := func(field, code, summary, detail string) {
		problems = append(problems, at(field).diag(code, summary, detail))
	}
	if s.Delivery == "group" {
		switch {
		case s.Groups == 0 || s.GroupSize == 0:
			add("groups", "group-size-missing", "A group programme needs `groups` and `groupSize`",
				"Say how many groups the funding buys and the largest a group may be, such as groups: 10 and groupSize: 8.")
		case s.Places != 0:
			add("places", "places-for-group", "A group programme counts places in groups",
				"Remove `places:`; its capacity is groups × groupSize.")
		}
		if s.Uncapped {
			add("uncapped", "uncapped-group", "A group programme cannot be uncapped",
				"Remove `uncapped:`; a group programme's funding buys `groups` groups of up to `groupSize`.")
		}
		return problems
	}
	if s.Groups != 0 || s.GroupSize != 0 {
		field := "groups"
		if s.Groups == 0 {
			field = "groupSize"
		}
		add(field, "groups-for-one-to-one", "Only a group programme has `groups` and `groupSize`",
			"Remove them, or set `delivery: group`.")
	}
	switch {
	case s.Uncapped && s.Places != 0:
		add("places", "places-and-uncapped", "The programme has `places` and says it is uncapped",
			"Keep `places:` if the funding buys a number of places, or `uncapped: true` if it buys no set number, not both.")
	case !s.Uncapped && s.Places == 0:
		add("places", "missing-places", "The programme does not say how many places its funding buys",
			"Add `places:` with the number of people the funding buys places for over its window, such as places: 40, or `uncapped: true` when the funding sets no number.")
	}
	return problems
}

// diagAt builds a problem at one path of a programmes file.
type diagAt struct {
	f    *yamlsrc.File
	pos  yamlsrc.Positions
	path string
}

func (a *diagAt) diag(code, summary, detail string) *diag.Diagnostic {
	return a.f.Diag(a.pos.Node(a.path), code, summary, detail, a.path)
}

// Condition is a programme's condition for one referral: true when the
// programme suits it.
type Condition struct {
	Programme *Programme
	Result    rule.Result
}

// Conditions evaluates every programme's condition for r as on the date
// today, in file order. A condition that cannot finish within the
// evaluation's limits, or when ctx is done, is unknown with the reason in
// its Result's Err.
func (c *Catalogue) Conditions(ctx context.Context, r *referral.Referral, today referral.Date) []Condition {
	if c == nil || r == nil {
		return nil
	}
	s := engine.Open(ctx, r, today)
	defer s.Close()
	out := make([]Condition, len(c.Programmes))
	for i, p := range c.Programmes {
		out[i] = Condition{Programme: p, Result: s.Eval(p.cond).Public()}
	}
	return out
}
