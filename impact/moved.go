package impact

import (
	"slices"

	"github.com/saferpath/pathway"
)

// MovedBy returns the ids of the rules — criteria, exclusions, programme
// conditions — whose outcome differs between two assessments of the same
// referral, in rule order: from is the assessment under the rules in force,
// to the one under the changed rules. These are the rules that moved the
// referral.
//
// Rule order is the order in which to lists its rules, followed by the
// rules that only from has (rules the change removed), in from's order. A
// rule is known by its kind and id together: a criterion and a programme
// that share an id are two rules.
//
// A rule that only one of the two assessments has counts as moved when it
// did something there: a criterion not met or undecided, an exclusion that
// applies or is undecided, a programme condition that holds or is
// undecided. A new exclusion that does not apply moved nothing. An invalid
// assessment has no rule outcomes, so between an invalid assessment and a
// decided one every rule that did something on the decided side is listed.
//
// Safety actions are not rules here: compare the assessments' ActionIDs.
// MovedBy returns an empty list, never nil, when no rule moved or when
// either assessment is nil.
func MovedBy(from, to *pathway.Assessment) []string {
	ids := []string{}
	if from == nil || to == nil {
		return ids
	}
	add := func(id string) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	before, after := outcomesByRule(from), outcomesByRule(to)
	for _, r := range to.Rules {
		was, ok := before[ruleOf(r)]
		if !ok {
			was = inert(r.Kind)
		}
		if was != r.Outcome {
			add(r.ID)
		}
	}
	for _, r := range from.Rules {
		if _, ok := after[ruleOf(r)]; !ok && r.Outcome != inert(r.Kind) {
			add(r.ID)
		}
	}
	return ids
}

// movedRule names a rule by its kind and id.
type movedRule struct{ kind, id string }

func ruleOf(r pathway.RuleResult) movedRule { return movedRule{r.Kind, r.ID} }

func outcomesByRule(a *pathway.Assessment) map[movedRule]string {
	m := make(map[movedRule]string, len(a.Rules))
	for _, r := range a.Rules {
		m[ruleOf(r)] = r.Outcome
	}
	return m
}

// inert is the outcome with which a rule of the kind does nothing to a
// referral: a criterion met and an exclusion that does not apply pass; a
// programme whose condition does not hold fails.
func inert(kind string) string {
	if kind == "programme" {
		return "fail"
	}
	return "pass"
}
