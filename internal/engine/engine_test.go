package engine

import (
	"context"
	"testing"
	"time"

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
			got := p.Eval(context.Background(), env)
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
	tests := []struct{ name, expr, reason string }{
		{"nested predicates over a long list", `any(victims, any(victims, .relationship == "stranger"))`, "steps"},
		{"ranges nested three deep", `let r = 1..90000; any(r, any(r, any(r, # < 0)))`, "steps"},
		{"a map over a long range", `len(map(1..300000, # * 2)) > 0`, "built"},
		{"a count over a long range", `count(1..300000, # > 0) > 0`, "steps"},
		{"text repeated past the limit", `len(repeat("x", 2000000)) > 0`, "built"},
		{"text doubled by chained lets", `let a = repeat("xy", 500); let b = a + a + a + a; let c = b + b + b + b; let d = c + c + c + c; let e = d + d + d + d; len(e + e + e + e) > 0`, "built"},
		{"replace that grows text", `len(replace(repeat("a", 2000), "a", repeat("b", 1000))) > 0`, "built"},
		{"date arithmetic that would wrap", `addDays(today, 2147483000) > today`, "years 1000 to 9999"},
		{"weeks that would overflow", `addWeeks(today, 9223372036854775807) > today`, "years 1000 to 9999"},
		{"whole numbers that would overflow", `riskAssessment.score * 9223372036854775807 > 0`, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, problems := Compile(tt.expr, ReferralSchema(), Source{})
			require.Empty(t, problems)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res := p.Eval(ctx, env)
			assert.Equal(t, Unknown, res.Outcome, "a rule that cannot finish within its limits is unknown, never decided")
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.reason)
		})
	}
}

func TestBoundedButDecided(t *testing.T) {
	r := sample()
	for range 3000 {
		r.Victims = append(r.Victims, referral.Victim{Relationship: referral.RelationshipFamily})
	}
	env := &Env{Root: r, Today: r.DateSent, Index: -1}
	for _, text := range []string{
		`len(map(victims, .relationship)) > 0`,
		`len(1..10000000) > 0`,
		`count(filter(victims, .relationship == "family"), true) == 3001`,
	} {
		t.Run(text, func(t *testing.T) {
			p, problems := Compile(text, ReferralSchema(), Source{})
			require.Empty(t, problems)
			res := p.Eval(context.Background(), env)
			require.NoError(t, res.Err)
			assert.Equal(t, True, res.Outcome)
		})
	}
}

func TestEvaluationStopsWithItsContext(t *testing.T) {
	r := sample()
	env := &Env{Root: r, Today: r.DateSent, Index: -1}
	p, problems := Compile(`let r = 1..400; any(r, any(r, # < 0))`, ReferralSchema(), Source{})
	require.Empty(t, problems)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := p.Eval(ctx, env)
	assert.Equal(t, Unknown, res.Outcome)
	require.ErrorIs(t, res.Err, context.Canceled)
}

func TestRuntimeErrorsNameThePathNotTheValue(t *testing.T) {
	r := sample()
	r.Victims[0].Name = "Mary-Jane O'Neil"
	r.Subject.Name = "Jon Specimen"
	env := &Env{Root: r, Today: r.DateSent, Index: -1}
	tests := []struct{ expr, want string }{
		{`float(victims[0].name) > 0`, "victims[0].name could not be read as a number"},
		{`int(subject.name) > 0`, "subject.name could not be read as a whole number"},
		{`victims[5].consentsToContact == true`, "victims has no item at that position"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, problems := Compile(tt.expr, ReferralSchema(), Source{})
			require.Empty(t, problems)
			res := p.Eval(context.Background(), env)
			assert.Equal(t, Unknown, res.Outcome)
			require.Error(t, res.Err)
			assert.Equal(t, tt.want, res.Err.Error())
			for _, v := range []string{"Mary", "Jane", "Neil", "Jon", "Specimen"} {
				assert.NotContains(t, res.Err.Error(), v)
			}
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
