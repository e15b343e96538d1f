package scenario

import (
	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

// versionActions lists a version's action triggers.
func versionActions(v *pathway.Version) []rule {
	if v.Safeguarding == nil {
		return nil
	}
	var out []rule
	for _, t := range v.Safeguarding.Triggers {
		out = append(out, rule{KindAction, t.ID, t.Title, t.Origin()})
	}
	return out
}

// actionIDs lists the action ids a version can raise: each trigger's id,
// and "establish-" and its id for triggers that establish missing answers.
func actionIDs(v *pathway.Version) []string {
	if v.Safeguarding == nil {
		return nil
	}
	var out []string
	for _, t := range v.Safeguarding.Triggers {
		out = append(out, t.ID)
		if t.IfUnknown == safeguarding.Establish {
			out = append(out, safeguarding.EstablishPrefix+t.ID)
		}
	}
	return out
}

// actionOutcomes gives, for each action trigger of v, its outcome for each
// evaluation in assessment a of referral r: once for a referral-level
// trigger, once per victim or child for scoped ones. A trigger passes when
// its action was raised because its condition held, is unknown when its
// condition could not be decided (an establish- action was raised, or the
// action was taken anyway with answers missing), and fails otherwise (a
// trigger that ignores an undecided condition counts as failing then). A
// scoped trigger on a referral with no victim or child counts one fail:
// its action was not raised.
func actionOutcomes(v *pathway.Version, r *referral.Referral, a *pathway.Assessment) map[string][]string {
	if v.Safeguarding == nil || r == nil {
		return nil
	}
	out := map[string][]string{}
	for _, t := range v.Safeguarding.Triggers {
		outcome := func(index int) string {
			for _, x := range a.Actions {
				var at *int
				switch t.Scope {
				case safeguarding.ScopeVictim:
					at = x.Victim
				case safeguarding.ScopeChild:
					at = x.Child
				}
				if index >= 0 && (at == nil || *at != index) {
					continue
				}
				switch x.ID {
				case t.ID:
					if len(x.Missing) > 0 {
						return "unknown"
					}
					return "pass"
				case safeguarding.EstablishPrefix + t.ID:
					return "unknown"
				}
			}
			return "fail"
		}
		n := -1
		switch t.Scope {
		case safeguarding.ScopeVictim:
			n = len(r.Victims)
		case safeguarding.ScopeChild:
			n = len(r.Children)
		}
		switch n {
		case -1:
			out[t.ID] = append(out[t.ID], outcome(-1))
		case 0:
			// No victim or child to evaluate it for: not raised.
			out[t.ID] = append(out[t.ID], "fail")
		default:
			for i := range n {
				out[t.ID] = append(out[t.ID], outcome(i))
			}
		}
	}
	return out
}
