// Package programmes holds a rule pack's programme catalogue (what each
// programme addresses, how it is delivered, how many places its funding
// buys, and which referrals it suits) and the capacity ledger that replays
// case events into places used, places free, waiting lists and groups.
//
// A Catalogue is immutable and safe for concurrent use.
package programmes

import (
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// Addresses are what a programme is for.
var Addresses = []string{"stalking", "domestic-abuse", "engagement", "both"}

// Deliveries are how a programme is delivered.
var Deliveries = []string{"one-to-one", "group", "one-to-one-or-group", "case-management"}

// Window is a funding window, both ends inclusive.
type Window struct {
	From referral.Date `json:"from"`
	To   referral.Date `json:"to"`
}

// Contains reports whether d falls in the window.
func (w Window) Contains(d referral.Date) bool { return !d.Before(w.From) && !d.After(w.To) }

// Programme is one programme in a pack version.
type Programme struct {
	engine.Rule
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
	// window, for one-to-one programmes; 0 for group programmes and for
	// programmes without a cap (see Capped).
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

// Catalogue is a pack version's programmes, in file order.
type Catalogue struct {
	Programmes []*Programme
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

type spec struct {
	engine.RuleSpec
	Name         string   `json:"name"`
	Addresses    string   `json:"addresses"`
	Model        string   `json:"model"`
	Delivery     string   `json:"delivery"`
	Sessions     int      `json:"sessions"`
	SessionHours float64  `json:"sessionHours"`
	Facilitators int      `json:"facilitators"`
	Places       int      `json:"places"`
	Groups       int      `json:"groups"`
	GroupSize    int      `json:"groupSize"`
	Staff        string   `json:"staff"`
	Waives       []string `json:"waives"`
	Funding      *Window  `json:"funding"`
}

type file struct {
	Programmes []spec `json:"programmes"`
}

// Parse reads a programmes.yaml file and compiles each programme's
// condition. window is the pack version's effective dates, the funding
// window of every programme that does not set its own; criteria are the
// version's criterion ids, which `waives` may name. Every problem in the
// file is returned at once.
func Parse(f *yamlsrc.File, window Window, criteria []string) (*Catalogue, diag.List) {
	var raw file
	pos, problems := yamlsrc.Decode(f, f.Root, "", &raw)
	cat := &Catalogue{}
	schema := engine.ReferralSchema()
	for i, s := range raw.Programmes {
		path := yamlsrc.Index("programmes", i)
		at := func(field string) *diagAt { return &diagAt{f: f, pos: pos, path: yamlsrc.Field(path, field)} }
		rule, errs := engine.CompileRule(f, pos, path, s.RuleSpec, schema)
		problems = append(problems, errs...)
		if s.Name == "" {
			problems = append(problems, at("name").diag("missing-name", "The programme has no name",
				"Give the programme's full name in `name:`."))
		}
		if !slices.Contains(Addresses, s.Addresses) {
			problems = append(problems, at("addresses").diag("bad-addresses", "`addresses` is not one of the allowed values",
				fmt.Sprintf("Say what the programme addresses: %s.%s", diag.Quoted(Addresses), diag.DidYouMean(s.Addresses, Addresses))))
		}
		if !slices.Contains(Deliveries, s.Delivery) {
			problems = append(problems, at("delivery").diag("bad-delivery", "`delivery` is not one of the allowed values",
				fmt.Sprintf("Say how it is delivered: %s.%s", diag.Quoted(Deliveries), diag.DidYouMean(s.Delivery, Deliveries))))
		}
		for name, n := range map[string]int{"sessions": s.Sessions, "facilitators": s.Facilitators, "places": s.Places, "groups": s.Groups, "groupSize": s.GroupSize} {
			if n < 0 {
				problems = append(problems, at(name).diag("negative", fmt.Sprintf("`%s` cannot be negative", name), "Give a whole number of 0 or more."))
			}
		}
		if s.SessionHours < 0 || s.SessionHours > 24 {
			problems = append(problems, at("sessionHours").diag("bad-hours", "`sessionHours` must be between 0 and 24",
				"Give the longest a session lasts, in hours, such as 2.5."))
		}
		switch {
		case s.Delivery == "group" && (s.Groups == 0 || s.GroupSize == 0):
			problems = append(problems, at("groups").diag("group-size-missing", "A group programme needs `groups` and `groupSize`",
				"Say how many groups the funding buys and the largest a group may be, such as groups: 10 and groupSize: 8."))
		case s.Delivery == "group" && s.Places > 0:
			problems = append(problems, at("places").diag("places-for-group", "A group programme counts places in groups",
				"Remove `places:`; its capacity is groups × groupSize."))
		case s.Delivery != "group" && (s.Groups > 0 || s.GroupSize > 0):
			problems = append(problems, at("groups").diag("groups-for-one-to-one", "Only a group programme has `groups` and `groupSize`",
				"Remove them, or set `delivery: group`."))
		}
		for j, w := range s.Waives {
			if !slices.Contains(criteria, w) {
				problems = append(problems, at(fmt.Sprintf("waives[%d]", j)).diag("unknown-criterion",
					fmt.Sprintf("There is no criterion %q to waive", w),
					fmt.Sprintf("`waives` names criteria of this pack version: %s.%s", diag.Quoted(criteria), diag.DidYouMean(w, criteria))))
			}
		}
		funding := window
		if s.Funding != nil {
			funding = *s.Funding
			if funding.From.IsZero() || funding.To.IsZero() || funding.To.Before(funding.From) {
				problems = append(problems, at("funding").diag("bad-funding", "The funding window needs `from` and `to`, with `to` not before `from`",
					"Write funding: {from: 2022-08-01, to: 2025-03-31}, or leave it out to use the pack version's dates."))
			}
		}
		if rule == nil {
			continue
		}
		cat.Programmes = append(cat.Programmes, &Programme{Rule: *rule, Name: s.Name, Addresses: s.Addresses, Model: s.Model,
			Delivery: s.Delivery, Sessions: s.Sessions, SessionHours: s.SessionHours, Facilitators: s.Facilitators,
			Places: s.Places, Groups: s.Groups, GroupSize: s.GroupSize, Staff: s.Staff, Waives: s.Waives, Funding: funding})
	}
	return cat, problems
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

// Condition is a programme's condition for one referral.
type Condition struct {
	Programme *Programme
	Result    engine.Result
}

// Conditions evaluates every programme's condition for env, in file order.
func (c *Catalogue) Conditions(env *engine.Env) []Condition {
	if c == nil {
		return nil
	}
	out := make([]Condition, len(c.Programmes))
	for i, p := range c.Programmes {
		out[i] = Condition{Programme: p, Result: p.Program.Eval(env)}
	}
	return out
}
