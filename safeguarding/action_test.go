package safeguarding_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

const defaultPolicy = "../rules/kent/2022-08/safeguarding.yaml"

// loadPolicy reads a safeguarding.yaml, optionally edited by replacing
// old with new.
func loadPolicy(t testing.TB, edits ...string) *safeguarding.Policy {
	t.Helper()
	data, err := os.ReadFile(defaultPolicy)
	require.NoError(t, err)
	text := string(data)
	for i := 0; i+1 < len(edits); i += 2 {
		require.Contains(t, text, edits[i])
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	p, problems := safeguarding.Read("safeguarding.yaml", []byte(text))
	require.Empty(t, problems, "%v", problems)
	require.NotNil(t, p)
	return p
}

func intp(n int) *int { return &n }

// base is a valid referral that raises no action at all: every trigger's
// answer is given and none fires.
func base() *referral.Referral {
	return &referral.Referral{
		ID: "KR-T-1", Form: referral.FormHealthyRelationships, DateSent: referral.MustDate("2024-05-14"),
		Referrer: referral.Referrer{Name: "Ref Erer", Organisation: "Org", Role: "Officer", Phone: "01632 960000"},
		Subject: referral.Subject{Name: "Sam Subject", SubjectToSPO: referral.No(),
			AcceptsResponsibility: "some", SubstanceMisuse: "none", MentalHealth: "none",
			ConsentsToInformationSharing: referral.Yes(), CurrentOrder: "none", LikelyOrder: "none"},
		BehaviourSummary: "Verbal abuse.",
		Victims: []referral.Victim{{Name: "Vic Tim", Relationship: "ex-partner", KnownToSupportService: referral.Yes(),
			AwareOfSupportServices: referral.Yes(), ServicesProvided: "Local service.",
			ConsentsToContact: referral.No(), WantsUpdates: referral.No()}},
		RiskToStaff:   &referral.RiskToStaff{Present: referral.No()},
		ImmediateRisk: referral.No(),
		RiskAssessment: &referral.RiskAssessment{Instrument: referral.InstrumentDASH24, Score: intp(5),
			ProfessionalJudgement: referral.No(), IncidentsLast6Months: intp(0)},
	}
}

// summary names each action: its id, @v or @c and the index for scoped
// ones, and the missing answers in brackets.
func summary(actions []safeguarding.Action) []string {
	out := []string{}
	for _, a := range actions {
		s := a.ID
		if a.Victim != nil {
			s += fmt.Sprintf("@v%d", *a.Victim)
		}
		if a.Child != nil {
			s += fmt.Sprintf("@c%d", *a.Child)
		}
		if len(a.Missing) > 0 {
			s += "[" + strings.Join(a.Missing, " ") + "]"
		}
		out = append(out, s)
	}
	return out
}

func TestBaseRaisesNoAction(t *testing.T) {
	p := loadPolicy(t)
	r := base()
	require.NoError(t, r.Validate())
	assert.Empty(t, p.Actions(context.Background(), r, r.DateSent))
}

func TestTriggers(t *testing.T) {
	p := loadPolicy(t)
	secondVictim := func(r *referral.Referral) *referral.Victim {
		r.Victims = append(r.Victims, r.Victims[0])
		r.Victims[1].Name = "Second Victim"
		return &r.Victims[1]
	}
	tests := []struct {
		name   string
		change func(r *referral.Referral)
		want   []string
	}{
		{"immediate risk escalates", func(r *referral.Referral) { r.ImmediateRisk = referral.Yes() },
			[]string{"immediate-risk-escalation"}},
		{"no immediate risk", func(r *referral.Referral) { r.ImmediateRisk = referral.No() }, []string{}},
		{"immediate risk not answered is established today", func(r *referral.Referral) { r.ImmediateRisk = nil },
			[]string{"establish-immediate-risk-escalation[immediateRisk]"}},

		{"dash-24 score 13 is below the threshold", func(r *referral.Referral) { r.RiskAssessment.Score = intp(13) }, []string{}},
		{"dash-24 score 14 is at the threshold", func(r *referral.Referral) { r.RiskAssessment.Score = intp(14) },
			[]string{"marac-referral"}},
		{"dash-27 score 13 is below the threshold", func(r *referral.Referral) {
			r.RiskAssessment.Instrument, r.RiskAssessment.Score = referral.InstrumentDASH27, intp(13)
		}, []string{}},
		{"dash-27 score 14 is at the threshold", func(r *referral.Referral) {
			r.RiskAssessment.Instrument, r.RiskAssessment.Score = referral.InstrumentDASH27, intp(14)
		}, []string{"marac-referral"}},
		{"s-dash has no threshold, even at its top score", func(r *referral.Referral) {
			r.RiskAssessment.Instrument, r.RiskAssessment.Score = referral.InstrumentSDASH, intp(11)
		}, []string{}},
		{"dara has no threshold", func(r *referral.Referral) {
			r.RiskAssessment.Instrument, r.RiskAssessment.Score = referral.InstrumentDARA, intp(40)
		}, []string{}},
		{"professional judgement refers whatever the score", func(r *referral.Referral) {
			r.RiskAssessment.Score, r.RiskAssessment.ProfessionalJudgement = intp(2), referral.Yes()
		}, []string{"marac-referral"}},
		{"2 incidents in 6 months is not escalation", func(r *referral.Referral) { r.RiskAssessment.IncidentsLast6Months = intp(2) },
			[]string{}},
		{"3 incidents in 6 months is potential escalation", func(r *referral.Referral) { r.RiskAssessment.IncidentsLast6Months = intp(3) },
			[]string{"marac-referral"}},
		{"no risk assessment: establish it", func(r *referral.Referral) { r.RiskAssessment = nil },
			[]string{"establish-marac-referral[riskAssessment]"}},
		{"no score and nothing else: establish the score", func(r *referral.Referral) { r.RiskAssessment.Score = nil },
			[]string{"establish-marac-referral[riskAssessment.score]"}},
		{"no score but professional judgement: refer", func(r *referral.Referral) {
			r.RiskAssessment.Score, r.RiskAssessment.ProfessionalJudgement = nil, referral.Yes()
		}, []string{"marac-referral"}},
		{"no score for an instrument without a threshold is decided", func(r *referral.Referral) {
			r.RiskAssessment.Instrument, r.RiskAssessment.Score = referral.InstrumentDARA, nil
		}, []string{}},
		{"an unknown instrument is established", func(r *referral.Referral) { r.RiskAssessment.Instrument = "dash-99" },
			[]string{"establish-marac-referral[riskAssessment.instrument]"}},
		{"incidents not answered: establish them", func(r *referral.Referral) { r.RiskAssessment.IncidentsLast6Months = nil },
			[]string{"establish-marac-referral[riskAssessment.incidentsLast6Months]"}},

		{"consent withheld by one of two victims", func(r *referral.Referral) {
			r.Victims[0].ConsentsToContact = referral.Yes()
			v := secondVictim(r)
			v.ConsentsToContact = referral.No()
		}, []string{"victim-link-worker-contact@v0"}},
		{"consent given by the second of two victims", func(r *referral.Referral) {
			v := secondVictim(r)
			v.ConsentsToContact = referral.Yes()
		}, []string{"victim-link-worker-contact@v1"}},
		{"consent not answered for one victim is established", func(r *referral.Referral) {
			v := secondVictim(r)
			v.ConsentsToContact, v.WantsUpdates = nil, nil
		}, []string{"establish-victim-link-worker-contact@v1[victims[1].consentsToContact]",
			"establish-victim-updates@v1[victims[1].consentsToContact victims[1].wantsUpdates]"}},

		{"victim wants updates", func(r *referral.Referral) {
			r.Victims[0].ConsentsToContact, r.Victims[0].WantsUpdates = referral.Yes(), referral.Yes()
		}, []string{"victim-link-worker-contact@v0", "victim-updates@v0"}},
		{"victim consents but wants no updates", func(r *referral.Referral) {
			r.Victims[0].ConsentsToContact = referral.Yes()
		}, []string{"victim-link-worker-contact@v0"}},
		{"no consent: no updates whatever the answer", func(r *referral.Referral) { r.Victims[0].WantsUpdates = nil },
			[]string{}},

		{"victim not aware of support services is signposted", func(r *referral.Referral) {
			r.Victims[0].AwareOfSupportServices = referral.No()
		}, []string{"signpost-support-services@v0"}},
		{"awareness not answered: signpost anyway", func(r *referral.Referral) {
			r.Victims[0].AwareOfSupportServices = nil
		}, []string{"signpost-support-services@v0[victims[0].awareOfSupportServices]"}},
		{"only the unaware victim of two is signposted", func(r *referral.Referral) {
			v := secondVictim(r)
			v.AwareOfSupportServices = referral.No()
		}, []string{"signpost-support-services@v1"}},

		{"risk to staff present", func(r *referral.Referral) {
			r.RiskToStaff = &referral.RiskToStaff{Present: referral.Yes(), Details: "Aggressive."}
		}, []string{"staff-risk-plan"}},
		{"risk to staff not answered is established", func(r *referral.Referral) { r.RiskToStaff = nil },
			[]string{"establish-staff-risk-plan[riskToStaff]"}},

		{"subject to an SPO", func(r *referral.Referral) { r.Subject.SubjectToSPO = referral.Yes() },
			[]string{"spo-monitoring"}},
		{"SPO not answered on the COBI form is established", func(r *referral.Referral) {
			r.Form = referral.FormCOBI
			r.Subject.SubjectToSPO = nil
		}, []string{"establish-spo-monitoring[subject.subjectToSPO]"}},
		{"SPO not asked on the Healthy Relationships form", func(r *referral.Referral) { r.Subject.SubjectToSPO = nil },
			[]string{}},
		{"SPO answered yes on the Healthy Relationships form", func(r *referral.Referral) { r.Subject.SubjectToSPO = referral.Yes() },
			[]string{"spo-monitoring"}},

		{"one child", func(r *referral.Referral) { r.Children = []referral.Child{{}} },
			[]string{"children-safeguarding@c0"}},
		{"each of two children", func(r *referral.Referral) {
			r.Children = []referral.Child{{LivesWithSubject: referral.Yes()}, {LivesWithSubject: referral.No()}}
		}, []string{"children-safeguarding@c0", "children-safeguarding@c1"}},

		{"most urgent first", func(r *referral.Referral) {
			r.RiskToStaff = &referral.RiskToStaff{Present: referral.Yes(), Details: "Aggressive."}
			r.Subject.SubjectToSPO = referral.Yes()
			r.RiskAssessment.Score = intp(20)
			r.ImmediateRisk = referral.Yes()
		}, []string{"immediate-risk-escalation", "marac-referral", "spo-monitoring", "staff-risk-plan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(r)
			assert.Equal(t, tt.want, summary(p.Actions(context.Background(), r, r.DateSent)))
		})
	}
}

func TestActionFields(t *testing.T) {
	p := loadPolicy(t)
	r := base()
	r.ImmediateRisk = referral.Yes()
	r.Victims[0].ConsentsToContact = referral.Yes()
	actions := p.Actions(context.Background(), r, r.DateSent)
	require.Len(t, actions, 2)
	esc := actions[0]
	assert.Equal(t, "immediate-risk-escalation", esc.ID)
	assert.Equal(t, "police-coordinator", esc.Owner)
	assert.Equal(t, 0, esc.DueWithinDays)
	assert.Equal(t, []string{"victim-link-worker", "provider", "referrer"}, esc.Tell)
	assert.Nil(t, esc.Victim)
	contact := actions[1]
	assert.Equal(t, "victim-link-worker", contact.Owner)
	require.NotNil(t, contact.Victim)
	assert.Equal(t, 0, *contact.Victim)
	assert.NotContains(t, contact.Text, "Vic Tim")

	// The actions are the caller's: changing them leaves the policy alone.
	esc.Tell[0] = "changed"
	again := p.Actions(context.Background(), r, r.DateSent)
	assert.Equal(t, "victim-link-worker", again[0].Tell[0])
}

// The MARAC criteria are the pack's: changing a threshold or the number of
// incidents in safeguarding.yaml changes the decision.
func TestMARACSettingsComeFromThePack(t *testing.T) {
	r := base()
	r.RiskAssessment.Score = intp(15)
	r.RiskAssessment.IncidentsLast6Months = intp(2)
	tests := []struct {
		name  string
		edits []string
		want  []string
	}{
		{"kent thresholds", nil, []string{"marac-referral"}},
		{"dash-24 threshold raised to 16",
			[]string{"range: {min: 0, max: 24}\n    threshold: 14", "range: {min: 0, max: 24}\n    threshold: 16"}, []string{}},
		{"escalation lowered to 2 incidents with the threshold raised",
			[]string{"threshold: 14", "threshold: 16", "incidents: 3", "incidents: 2"}, []string{"marac-referral"}},
		{"visible high risk turned off", []string{"visibleHighRisk: true", "visibleHighRisk: false"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadPolicy(t, tt.edits...)
			assert.Equal(t, tt.want, summary(p.Actions(context.Background(), r, r.DateSent)))
		})
	}
}

func TestIfUnknown(t *testing.T) {
	tests := []struct {
		name  string
		edits []string
		want  []string
	}{
		{"establish by default", nil, []string{"establish-immediate-risk-escalation[immediateRisk]"}},
		{"act", []string{"    tell: [victim-link-worker, provider, referrer]\n    establishText: >-\n      The form does not say whether there is an immediate risk. Call the referrer today\n      and find out; escalate at once if there is.",
			"    tell: [victim-link-worker, provider, referrer]\n    ifUnknown: act"}, []string{"immediate-risk-escalation[immediateRisk]"}},
		{"ignore", []string{"    tell: [victim-link-worker, provider, referrer]\n    establishText: >-\n      The form does not say whether there is an immediate risk. Call the referrer today\n      and find out; escalate at once if there is.",
			"    tell: [victim-link-worker, provider, referrer]\n    ifUnknown: ignore"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadPolicy(t, tt.edits...)
			r := base()
			r.ImmediateRisk = nil
			assert.Equal(t, tt.want, summary(p.Actions(context.Background(), r, r.DateSent)))
		})
	}
}

// Safety does not wait for a perfect form: through the root package, an
// invalid referral still lists its actions.
func TestInvalidReferralStillEscalates(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *referral.Referral)
		want   string
	}{
		{"no referrer phone or email", func(r *referral.Referral) { r.Referrer.Phone, r.Referrer.Email = "", "" }, "no-referrer-contact"},
		{"no victim name", func(r *referral.Referral) { r.Victims[0].Name = "" }, "required"},
		{"no date sent", func(r *referral.Referral) { r.DateSent = referral.Date{} }, "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			r.ImmediateRisk = referral.Yes()
			tt.change(r)
			a, err := pathway.Default().Assess(context.Background(), r)
			require.NoError(t, err)
			assert.Equal(t, pathway.Invalid, a.Decision)
			codes := []string{}
			for _, d := range a.Problems {
				codes = append(codes, d.Code)
			}
			assert.Contains(t, codes, tt.want)
			assert.Contains(t, a.ActionIDs(), "immediate-risk-escalation")
		})
	}
}

func TestReadFromAFileStillEscalates(t *testing.T) {
	data := []byte(`{"id": "KR-T-2", "form": "cobi", "dateSent": "2023-01-10",
  "referrer": {"name": "A", "organisation": "B", "role": "C"},
  "subject": {"name": "D", "subjectToSPO": "yes"},
  "behaviourSummary": "E",
  "victims": [{"name": "F", "relationship": "partner"}],
  "immediateRisk": true}`)
	r, problems := referral.Read("form.json", data)
	require.NotNil(t, r)
	a, err := pathway.Default().Assess(context.Background(), r, pathway.WithProblems(problems))
	require.NoError(t, err)
	assert.Equal(t, pathway.Invalid, a.Decision)
	assert.Contains(t, a.ActionIDs(), "immediate-risk-escalation")
	assert.Contains(t, a.ActionIDs(), "establish-spo-monitoring", "an SPO answer that could not be read is established")
}

// The score range checked is the pack's: a pack with a narrower range
// makes a score invalid that the default ranges allow.
func TestScoreRangesFromThePack(t *testing.T) {
	p := loadPolicy(t)
	assert.Equal(t, referral.ScoreRange{Min: 0, Max: 24}, p.ScoreRanges()[referral.InstrumentDASH24])
	assert.Equal(t, referral.ScoreRange{Min: 0, Max: referral.Unbounded}, p.ScoreRanges()[referral.InstrumentDARA])
	narrow := loadPolicy(t, "range: {min: 0, max: 24}", "range: {min: 0, max: 20}")
	r := base()
	r.RiskAssessment.Score = intp(22)
	require.NoError(t, r.Validate(referral.WithScoreRanges(p.ScoreRanges())))
	assert.Error(t, r.Validate(referral.WithScoreRanges(narrow.ScoreRanges())))

	r.RiskAssessment.Score = intp(25)
	a, err := pathway.Default().Assess(context.Background(), r)
	require.NoError(t, err)
	assert.Equal(t, pathway.Invalid, a.Decision)
	assert.Equal(t, "riskAssessment.score", a.Problems[0].Path)
	assert.Contains(t, a.ActionIDs(), "marac-referral", "an impossible high score still refers")
}

func TestBothVersionsHaveTheSameTriggers(t *testing.T) {
	want := []string{"immediate-risk-escalation", "marac-referral", "children-safeguarding", "victim-link-worker-contact",
		"signpost-support-services", "spo-monitoring", "staff-risk-plan", "victim-updates"}
	for _, v := range pathway.Default().Versions() {
		t.Run(v.Version, func(t *testing.T) {
			require.NotNil(t, v.Safeguarding)
			var ids []string
			for _, tr := range v.Safeguarding.Triggers {
				ids = append(ids, tr.ID)
			}
			assert.Equal(t, want, ids)
		})
	}
}

// A policy is safe for concurrent use: run with -race.
func TestConcurrentUse(t *testing.T) {
	p := loadPolicy(t)
	r := base()
	r.ImmediateRisk = nil
	r.Victims = append(r.Victims, referral.Victim{Name: "Two", Relationship: "partner", ConsentsToContact: referral.Yes()})
	r.Children = []referral.Child{{}, {}}
	want := summary(p.Actions(context.Background(), r, r.DateSent))
	done := make(chan []string)
	for range 8 {
		go func() {
			var got []string
			for range 50 {
				got = summary(p.Actions(context.Background(), r, r.DateSent))
				_, _ = p.Redact(r, "provider")
			}
			done <- got
		}()
	}
	for range 8 {
		assert.Equal(t, want, <-done)
	}
}
