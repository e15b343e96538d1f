package safeguarding

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/referral"
)

// Action is a victim-safety action for the partnership to take. It
// marshals to the assessment's "actions" items (wire format: docs/assessment.md).
type Action struct {
	// ID is the trigger's id, or EstablishPrefix and the trigger's id for
	// an action that establishes missing answers.
	ID    string `json:"id"`
	Owner string `json:"owner"`
	// Victim is the index of the victim concerned, for victim-level
	// actions; Child likewise for child-level ones.
	Victim        *int   `json:"victim,omitempty"`
	Child         *int   `json:"child,omitempty"`
	DueWithinDays int    `json:"dueWithinDays"`
	Text          string `json:"text"`
	// Tell lists the roles that must be told, as an exception to
	// confidentiality: risk and safeguarding information is shared.
	Tell []string `json:"tell,omitempty"`
	// Missing lists the answers, by JSON path, that could not be read:
	// those to establish, or those an action taken anyway lacked.
	Missing []string `json:"missing,omitempty"`
}

// Actions works out the actions for r as on the date today: each trigger
// that fires, once for the referral or once for each victim or child it
// fires for, and for each trigger that cannot be decided what its
// IfUnknown says. The actions are ordered by deadline, most urgent first,
// then by the triggers' order in the file and by victim or child.
//
// r may be an invalid referral: actions are worked out from whatever was
// read. Actions never fails; a trigger that cannot be evaluated counts as
// undecided.
func (p *Policy) Actions(ctx context.Context, r *referral.Referral, today referral.Date) []Action {
	if p == nil || r == nil {
		return []Action{}
	}
	out := make([]Action, 0, len(p.Triggers)+len(r.Victims)+len(r.Children))
	// The roles to tell and the victims' and children's indexes of all the
	// actions are held in one list each, each action's its own part.
	tells, indexes := 0, 0
	for _, t := range p.Triggers {
		n := 1
		switch t.Scope {
		case ScopeVictim:
			n = len(r.Victims)
			indexes += n
		case ScopeChild:
			n = len(r.Children)
			indexes += n
		}
		tells += n * len(t.Tell)
	}
	b := &actionBuffers{tells: make([]string, 0, tells), indexes: make([]int, 0, indexes)}
	sc := &scope{policy: p}
	s := engine.Open(ctx, r, today)
	defer s.Close()
	env := s.Env()
	env.Scope = sc
	for _, t := range p.Triggers {
		switch t.Scope {
		case ScopeReferral:
			out = t.appendAction(out, p, s, env, r, b)
		case ScopeVictim:
			for i := range r.Victims {
				sc.victim, env.Index = &r.Victims[i], i
				out = t.appendAction(out, p, s, env, r, b)
			}
			sc.victim, env.Index = nil, -1
		case ScopeChild:
			for i := range r.Children {
				sc.child, env.Index = &r.Children[i], i
				out = t.appendAction(out, p, s, env, r, b)
			}
			sc.child, env.Index = nil, -1
		}
	}
	slices.SortStableFunc(out, func(a, b Action) int { return cmp.Compare(a.DueWithinDays, b.DueWithinDays) })
	return out
}

// actionBuffers hold the lists that a referral's actions share, so that
// each action does not have its own: the roles to tell, and the indexes of
// victims and children that Action.Victim and Action.Child point to.
type actionBuffers struct {
	tells   []string
	indexes []int
}

// tell returns a copy of roles, as the action's own part of the shared
// list: appending to it does not reach another action's.
func (b *actionBuffers) tell(roles []string) []string {
	if len(roles) == 0 {
		return slices.Clone(roles)
	}
	start := len(b.tells)
	b.tells = append(b.tells, roles...)
	return b.tells[start:len(b.tells):len(b.tells)]
}

// index returns a pointer to a copy of i.
func (b *actionBuffers) index(i int) *int {
	if len(b.indexes) == cap(b.indexes) {
		j := i
		return &j
	}
	b.indexes = append(b.indexes, i)
	return &b.indexes[len(b.indexes)-1]
}

// appendAction evaluates t in session s, whose Env is env, and appends the action it calls for.
func (t *Trigger) appendAction(out []Action, p *Policy, s *engine.Session, env *engine.Env, r *referral.Referral, b *actionBuffers) []Action {
	res := s.Eval(t.cond)
	a := Action{ID: t.ID, Owner: t.Owner, DueWithinDays: t.DueWithinDays, Text: t.Text}
	switch res.Outcome {
	case engine.True:
		a.Tell = b.tell(t.Tell)
	case engine.False:
		return out
	default:
		switch t.IfUnknown {
		case Ignore:
			return out
		case Act:
			a.Tell = b.tell(t.Tell)
		default:
			a.ID, a.Text = t.establishID, t.establish
			if a.ID == "" {
				a.ID, a.Text = EstablishPrefix+t.ID, t.establishText()
			}
		}
		a.Missing = p.sources(res.Missing, r)
	}
	if env.Index >= 0 {
		if t.Scope == ScopeVictim {
			a.Victim = b.index(env.Index)
		} else {
			a.Child = b.index(env.Index)
		}
	}
	return append(out, a)
}

// establishText is the instruction to find out a trigger's missing answers.
func (t *Trigger) establishText() string {
	if t.EstablishText != "" {
		return t.EstablishText
	}
	title := t.Title
	if title != "" {
		title = strings.ToLower(title[:1]) + title[1:]
	}
	return "Find out the missing answers listed, then decide again whether to " + title + ". Until then this cannot be ruled out."
}

// sources turns missing answer paths into the referral answers to ask for:
// the MARAC answers name the risk assessment answers they come from.
func (p *Policy) sources(missing []string, r *referral.Referral) []string {
	if len(missing) == 0 {
		return nil
	}
	out := make([]string, 0, len(missing))
	for _, m := range missing {
		if strings.HasPrefix(m, "marac.") {
			out = append(out, p.maracSources(m, r)...)
			continue
		}
		out = append(out, m)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
