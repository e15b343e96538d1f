package impact

import "github.com/saferpath/pathway"

// MovedBy returns the ids of the rules whose outcome differs between two
// assessments of the same referral: from, under the rules in force, and to,
// under the changed rules. These are the rules that moved the referral. The
// rules are criteria, exclusions and programme conditions; their ids come in
// the order the assessment to lists its rules, followed by the rules only
// from has (rules the change removed), in from's order.
//
// A rule that only one of the assessments has counts as moved when it did
// something there: a criterion that is not met or cannot be decided, an
// exclusion that applies or cannot be decided, a programme condition that
// holds or cannot be decided. A new exclusion that does not apply, say,
// moved nothing. An invalid assessment has no rule outcomes, so between an
// invalid assessment and a decided one, every rule that did something on
// the decided side is listed.
//
// Changed safety actions are not rules here: compare the assessments'
// ActionIDs for them. MovedBy returns an empty list, not nil, when no rule
// moved, and when either assessment is nil.
func MovedBy(from, to *pathway.Assessment) []string {
	moved := []string{}
	if from == nil || to == nil {
		return moved
	}
	before := outcomes(from)
	after := outcomes(to)
	for _, r := range to.Rules {
		old, ok := before[key(r)]
		if !ok {
			old = idle(r.Kind)
		}
		if old != r.Outcome {
			moved = appendOnce(moved, r.ID)
		}
	}
	for _, r := range from.Rules {
		if _, ok := after[key(r)]; !ok && r.Outcome != idle(r.Kind) {
			moved = appendOnce(moved, r.ID)
		}
	}
	return moved
}

// ruleKey tells rules apart: a criterion and a programme may not share an
// id within a version, but versions differ, so the kind is part of it.
type ruleKey struct{ kind, id string }

func key(r pathway.RuleResult) ruleKey { return ruleKey{r.Kind, r.ID} }

func outcomes(a *pathway.Assessment) map[ruleKey]string {
	m := make(map[ruleKey]string, len(a.Rules))
	for _, r := range a.Rules {
		m[key(r)] = r.Outcome
	}
	return m
}

// idle is the outcome of a rule of the kind that does nothing to a
// referral: a criterion met, an exclusion that does not apply (both
// "pass"), a programme whose condition does not hold ("fail").
func idle(kind string) string {
	if kind == "programme" {
		return "fail"
	}
	return "pass"
}

func appendOnce(ids []string, id string) []string {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}
