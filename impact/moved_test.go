package impact_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/impact"
)

func rules(rs ...pathway.RuleResult) *pathway.Assessment {
	return &pathway.Assessment{Decision: pathway.Eligible, Rules: rs}
}

func criterion(id, outcome string) pathway.RuleResult {
	return pathway.RuleResult{ID: id, Kind: "criterion", Outcome: outcome}
}

func exclusion(id, outcome string) pathway.RuleResult {
	return pathway.RuleResult{ID: id, Kind: "exclusion", Outcome: outcome}
}

func programme(id, outcome string) pathway.RuleResult {
	return pathway.RuleResult{ID: id, Kind: "programme", Outcome: outcome}
}

func TestMovedBy(t *testing.T) {
	tests := []struct {
		name     string
		from, to *pathway.Assessment
		want     []string
	}{
		{"nothing changed", rules(criterion("a", "pass"), exclusion("x", "pass")), rules(criterion("a", "pass"), exclusion("x", "pass")), []string{}},
		{"a criterion now fails", rules(criterion("a", "pass"), criterion("b", "pass")), rules(criterion("a", "pass"), criterion("b", "fail")), []string{"b"}},
		{"an exclusion now applies", rules(exclusion("x", "pass")), rules(exclusion("x", "fail")), []string{"x"}},
		{"a rule can no longer be decided", rules(criterion("a", "pass")), rules(criterion("a", "unknown")), []string{"a"}},
		{"several, in the changed rules' order",
			rules(criterion("a", "pass"), criterion("b", "fail"), exclusion("x", "pass"), programme("p", "pass")),
			rules(criterion("a", "fail"), criterion("b", "pass"), exclusion("x", "pass"), programme("p", "fail")),
			[]string{"a", "b", "p"}},
		{"a new exclusion that applies", rules(criterion("a", "pass")), rules(criterion("a", "pass"), exclusion("new", "fail")), []string{"new"}},
		{"a new exclusion that does not apply moved nothing", rules(criterion("a", "pass")), rules(criterion("a", "pass"), exclusion("new", "pass")), []string{}},
		{"a new programme that suits", rules(programme("p", "pass")), rules(programme("p", "pass"), programme("q", "pass")), []string{"q"}},
		{"a new programme that does not suit moved nothing", rules(programme("p", "pass")), rules(programme("p", "pass"), programme("q", "fail")), []string{}},
		{"a removed criterion that had failed", rules(criterion("a", "pass"), criterion("gone", "fail")), rules(criterion("a", "pass")), []string{"gone"}},
		{"a removed criterion that was met moved nothing", rules(criterion("a", "pass"), criterion("gone", "pass")), rules(criterion("a", "pass")), []string{}},
		{"removed rules come after the changed rules' own", rules(criterion("gone", "fail"), criterion("a", "pass")), rules(criterion("a", "fail")), []string{"a", "gone"}},
		{"the same id as another kind is another rule", rules(criterion("same", "pass")), rules(programme("same", "pass")), []string{"same"}},
		{"from invalid: every rule that did something", &pathway.Assessment{Decision: pathway.Invalid},
			rules(criterion("a", "pass"), criterion("b", "fail"), programme("p", "pass"), programme("q", "fail")), []string{"b", "p"}},
		{"no from", nil, rules(criterion("a", "fail")), []string{}},
		{"no to", rules(criterion("a", "fail")), nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, impact.MovedBy(tt.from, tt.to))
		})
	}
}

// On real packs: "stricter" no longer accepts manageable mental health, so
// that criterion, and nothing else, moves a referral that answers it.
func TestMovedByOnPacks(t *testing.T) {
	current, stricter := load(t, "testdata/current"), load(t, "testdata/stricter")
	tests := []struct {
		name   string
		health string
		want   []string
	}{
		{"manageable mental health", "manageable", []string{"mental-health-manageable"}},
		{"managed mental health", "managed", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := variant(t, "R-1", func(s map[string]any) { s["mentalHealth"] = tt.health })
			from, err := current.Assess(context.Background(), r)
			require.NoError(t, err)
			to, err := stricter.Assess(context.Background(), r)
			require.NoError(t, err)
			assert.Equal(t, tt.want, impact.MovedBy(from, to))
		})
	}
}
