package impact_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/impact"
)

// outcomes builds an assessment from rule results written kind:id=outcome.
func outcomes(rules ...[3]string) *pathway.Assessment {
	a := &pathway.Assessment{Decision: pathway.Eligible, Rules: []pathway.RuleResult{}}
	for _, r := range rules {
		a.Rules = append(a.Rules, pathway.RuleResult{Kind: r[0], ID: r[1], Outcome: r[2]})
	}
	return a
}

func crit(id, outcome string) [3]string { return [3]string{"criterion", id, outcome} }
func excl(id, outcome string) [3]string { return [3]string{"exclusion", id, outcome} }
func prog(id, outcome string) [3]string { return [3]string{"programme", id, outcome} }

func TestMovedBy(t *testing.T) {
	tests := []struct {
		name     string
		from, to *pathway.Assessment
		want     []string
	}{
		{name: "no rule changed",
			from: outcomes(crit("a", "pass"), excl("x", "pass"), prog("p", "pass")),
			to:   outcomes(crit("a", "pass"), excl("x", "pass"), prog("p", "pass")),
			want: []string{}},
		{name: "a criterion no longer met",
			from: outcomes(crit("a", "pass"), crit("b", "pass")),
			to:   outcomes(crit("a", "pass"), crit("b", "fail")),
			want: []string{"b"}},
		{name: "a criterion met again",
			from: outcomes(crit("a", "fail")),
			to:   outcomes(crit("a", "pass")),
			want: []string{"a"}},
		{name: "an exclusion now applies",
			from: outcomes(excl("x", "pass")),
			to:   outcomes(excl("x", "fail")),
			want: []string{"x"}},
		{name: "a rule that can no longer be decided",
			from: outcomes(excl("x", "pass")),
			to:   outcomes(excl("x", "unknown")),
			want: []string{"x"}},
		{name: "a programme that no longer suits",
			from: outcomes(prog("p", "pass")),
			to:   outcomes(prog("p", "fail")),
			want: []string{"p"}},
		{name: "several, in the changed rules' order",
			from: outcomes(crit("b", "pass"), crit("a", "fail"), excl("x", "pass"), prog("p", "pass")),
			to:   outcomes(crit("a", "pass"), crit("b", "fail"), excl("x", "pass"), prog("p", "fail")),
			want: []string{"a", "b", "p"}},
		{name: "a new exclusion that applies",
			from: outcomes(crit("a", "pass")),
			to:   outcomes(crit("a", "pass"), excl("new", "fail")),
			want: []string{"new"}},
		{name: "a new exclusion that cannot be decided",
			from: outcomes(crit("a", "pass")),
			to:   outcomes(crit("a", "pass"), excl("new", "unknown")),
			want: []string{"new"}},
		{name: "a new exclusion that does not apply moved nothing",
			from: outcomes(crit("a", "pass")),
			to:   outcomes(crit("a", "pass"), excl("new", "pass")),
			want: []string{}},
		{name: "a new programme that suits",
			from: outcomes(prog("p", "pass")),
			to:   outcomes(prog("p", "pass"), prog("q", "pass")),
			want: []string{"q"}},
		{name: "a new programme that does not suit moved nothing",
			from: outcomes(prog("p", "pass")),
			to:   outcomes(prog("p", "pass"), prog("q", "fail")),
			want: []string{}},
		{name: "a removed criterion that was not met",
			from: outcomes(crit("a", "pass"), crit("gone", "fail")),
			to:   outcomes(crit("a", "pass")),
			want: []string{"gone"}},
		{name: "a removed criterion that was met moved nothing",
			from: outcomes(crit("a", "pass"), crit("gone", "pass")),
			to:   outcomes(crit("a", "pass")),
			want: []string{}},
		{name: "a removed programme that suited",
			from: outcomes(prog("gone", "pass")),
			to:   outcomes(),
			want: []string{"gone"}},
		{name: "removed rules come after the changed rules",
			from: outcomes(crit("gone", "fail"), crit("a", "pass")),
			to:   outcomes(crit("a", "fail")),
			want: []string{"a", "gone"}},
		{name: "a criterion and a programme with the same id are two rules",
			from: outcomes(crit("same", "pass")),
			to:   outcomes(prog("same", "pass")),
			want: []string{"same"}},
		{name: "from an invalid assessment: every rule that did something",
			from: &pathway.Assessment{Decision: pathway.Invalid},
			to:   outcomes(crit("a", "pass"), crit("b", "fail"), excl("x", "unknown"), prog("p", "pass"), prog("q", "fail")),
			want: []string{"b", "x", "p"}},
		{name: "to an invalid assessment: every rule that did something",
			from: outcomes(crit("a", "fail"), excl("x", "pass"), prog("p", "pass")),
			to:   &pathway.Assessment{Decision: pathway.Invalid},
			want: []string{"a", "p"}},
		{name: "no from", from: nil, to: outcomes(crit("a", "fail")), want: []string{}},
		{name: "no to", from: outcomes(crit("a", "fail")), to: nil, want: []string{}},
		{name: "neither", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := impact.MovedBy(tt.from, tt.to)
			require.NotNil(t, got)
			assert.Equal(t, tt.want, got)
		})
	}
}

// On real packs: "stricter" no longer accepts mental health that is only
// manageable, so that criterion, and nothing else, moves a referral that
// answers so.
func TestMovedByOnPacks(t *testing.T) {
	current, stricter := load(t, "testdata/current"), load(t, "testdata/stricter")
	tests := []struct {
		name   string
		answer string
		want   []string
	}{
		{"manageable", "manageable", []string{"mental-health-manageable"}},
		{"managed", "managed", []string{}},
		{"none", "none", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := variant(t, "R-"+tt.name, func(s map[string]any) { s["mentalHealth"] = tt.answer })
			from, err := current.Assess(context.Background(), r)
			require.NoError(t, err)
			to, err := stricter.Assess(context.Background(), r)
			require.NoError(t, err)
			assert.Equal(t, tt.want, impact.MovedBy(from, to))
			assert.Equal(t, []string{}, impact.MovedBy(from, from), "an assessment does not move itself")
		})
	}
}
