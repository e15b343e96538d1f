package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

func sample() *referral.Referral {
	score := 15
	return &referral.Referral{
		ID: "KR-1", Form: referral.FormHealthyRelationships, DateSent: referral.MustDate("2024-05-14"),
		Subject: referral.Subject{
			Gender: referral.GenderMale, AcceptsResponsibility: referral.ResponsibilitySome,
			SubstanceMisuse: referral.ManageabilityManaged, MentalHealth: referral.ManageabilityNone,
			ConsentsToInformationSharing: referral.Yes(), CurrentOrder: referral.OrderNone,
			LikelyOrder: referral.OrderCommunity, NextCourtDate: referral.MustDate("2024-08-06"),
		},
		Victims: []referral.Victim{
			{Name: "A", Gender: referral.GenderFemale, Relationship: referral.RelationshipExPartner, ConsentsToContact: referral.Yes()},
			{Name: "B", Gender: referral.GenderFemale, Relationship: referral.RelationshipFamily},
		},
		RiskAssessment: &referral.RiskAssessment{Instrument: referral.InstrumentDASH24, Score: &score},
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		edit    func(r *referral.Referral)
		want    Outcome
		missing []string
	}{
		{name: "enum equality", expr: `subject.acceptsResponsibility in ["some", "full"]`, want: True},
		{name: "missing enum is unknown", expr: `subject.acceptsResponsibility in ["some", "full"]`,
			edit: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "" }, want: Unknown,
			missing: []string{"subject.acceptsResponsibility"}},
		{name: "or decided by one side", expr: `subject.gender == "male" || subject.mentalHealth == "none"`,
			edit: func(r *referral.Referral) { r.Subject.MentalHealth = "" }, want: True},
		{name: "and decided by one false side", expr: `subject.gender == "female" && subject.mentalHealth == "none"`,
			edit: func(r *referral.Referral) { r.Subject.MentalHealth = "" }, want: False},
		{name: "and unknown", expr: `subject.gender == "male" && subject.mentalHealth == "none"`,
			edit: func(r *referral.Referral) { r.Subject.MentalHealth = "" }, want: Unknown, missing: []string{"subject.mentalHealth"}},
		{name: "day 84 inside", expr: `daysBetween(today, subject.nextCourtDate) <= 84`, want: True},
		{name: "day 85 outside", expr: `daysBetween(today, subject.nextCourtDate) <= 84`,
			edit: func(r *referral.Referral) { r.Subject.NextCourtDate = r.Subject.NextCourtDate.AddDays(1) }, want: False},
		{name: "any over victims", expr: `any(victims, .relationship in ["partner", "ex-partner"])`, want: True},
		{name: "any unknown names the index", expr: `any(victims, .consentsToContact == false)`, want: Unknown,
			missing: []string{"victims[1].consentsToContact"}},
		{name: "all false decided", expr: `all(victims, .consentsToContact == true)`,
			edit: func(r *referral.Referral) { r.Victims[1].ConsentsToContact = referral.No() }, want: False},
		{name: "absent optional object", expr: `riskToStaff.present == true`, want: Unknown, missing: []string{"riskToStaff"}},
		{name: "coalesce gives a default", expr: `(riskToStaff?.present ?? false) == false`, want: True},
		{name: "nil test", expr: `subject.subjectToSPO == nil`, want: True},
		{name: "score threshold", expr: `riskAssessment.score >= 14`, want: True},
		{name: "len", expr: `len(children) == 0`, want: True},
		{name: "ternary with unknown condition and equal branches", expr: `(subject.mentalHealth == "none" ? true : true)`,
			edit: func(r *referral.Referral) { r.Subject.MentalHealth = "" }, want: True},
		{name: "general path", expr: `upper(subject.gender) == "MALE"`, want: True},
		{name: "general path with an index reads every item", expr: `victims[1].consentsToContact == true`,
			want: Unknown, missing: []string{"victims[1].consentsToContact"}},
		{name: "general path with an index", expr: `victims[0].relationship == "ex-partner"`, want: True},
		{name: "general path unknown", expr: `upper(subject.mentalHealth) == "NONE"`,
			edit: func(r *referral.Referral) { r.Subject.MentalHealth = "" }, want: Unknown, missing: []string{"subject.mentalHealth"}},
	}
	s := ReferralSchema()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, problems := Compile(tt.expr, s, Source{})
			require.Empty(t, problems, "%v", problems)
			r := sample()
			if tt.edit != nil {
				tt.edit(r)
			}
			env := &Env{Root: r, Today: r.DateSent, Index: -1}
			got := p.Eval(env)
			require.NoError(t, got.Err)
			assert.Equal(t, tt.want, got.Outcome)
			assert.Equal(t, tt.missing, got.Missing)
		})
	}
}

func TestCompileProblems(t *testing.T) {
	tests := []struct{ name, expr, code string }{
		{"unknown field", `subject.gendr == "male"`, "unknown-field"},
		{"unknown name", `subjct.gender == "male"`, "unknown-name"},
		{"bad enum", `subject.gender == "mail"`, "bad-enum"},
		{"bad enum in list", `subject.mentalHealth in ["none", "manged"]`, "bad-enum"},
		{"type error", `subject.gender == 3`, "type-error"},
		{"not boolean", `subject.gender`, "not-boolean"},
		{"now disabled", `now() > today`, "function-not-allowed"},
		{"bad date", `today > date("2025-02-30")`, "bad-date"},
		{"syntax", `subject.gender = "male"`, "expr-syntax"},
		{"member of list", `victims.relationship == "partner"`, "member-of-list"},
	}
	s := ReferralSchema()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Compile(tt.expr, s, Source{File: "x.yaml"})
			require.NotEmpty(t, problems)
			assert.Equal(t, tt.code, problems[0].Code, "%s", diag.List(problems).Error())
			t.Log(problems[0].Text())
		})
	}
}

func TestBoundedEvaluation(t *testing.T) {
	r := sample()
	for range 3000 {
		r.Victims = append(r.Victims, referral.Victim{Relationship: referral.RelationshipFamily})
	}
	env := &Env{Root: r, Today: r.DateSent, Index: -1}
	tests := []struct{ name, expr string }{
		{"nested predicates over a long list", `any(victims, any(victims, .relationship == "stranger"))`},
		{"general path over a long list", `len(map(victims, .relationship)) > 0`},
		{"general path building a large range", `len(1..10000000) > 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, problems := Compile(tt.expr, ReferralSchema(), Source{})
			require.Empty(t, problems)
			res := p.Eval(env)
			assert.Equal(t, Unknown, res.Outcome, "a rule that cannot finish within its budget is unknown, never decided")
			assert.Error(t, res.Err)
		})
	}
}

func TestNodeLimit(t *testing.T) {
	expr := "riskAssessment.score"
	for range 500 {
		expr += "+1"
	}
	_, problems := Compile(expr+" > 3", ReferralSchema(), Source{})
	require.NotEmpty(t, problems)
	assert.Equal(t, "too-complex", problems[0].Code)
}
