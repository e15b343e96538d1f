package referral

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valid returns a complete, valid Healthy Relationships referral.
func valid() *Referral {
	return &Referral{
		ID:       "KR-T-1",
		Form:     FormHealthyRelationships,
		DateSent: MustDate("2024-05-14"),
		Referrer: Referrer{Name: "A Referrer", Organisation: "Org", Role: "Role", Phone: "01632 960000", Email: "a@example.org"},
		Subject: Subject{
			Name: "A Subject", Gender: GenderMale, AcceptsResponsibility: ResponsibilitySome,
			SubstanceMisuse: ManageabilityManaged, MentalHealth: ManageabilityNone, ConsentsToInformationSharing: Yes(),
			CurrentOrder: OrderNone, LikelyOrder: OrderNone,
		},
		BehaviourSummary: "Summary.",
		Victims: []Victim{{
			Name: "A Victim", Relationship: RelationshipExPartner, Gender: GenderFemale,
			KnownToSupportService: Yes(), AwareOfSupportServices: Yes(), ServicesProvided: "Outreach.",
			ConsentsToContact: Yes(), WantsUpdates: Yes(),
		}},
	}
}

func intp(n int) *int { return &n }

type want struct{ code, path string }

func TestValidate(t *testing.T) {
	long := strings.Repeat("x", 10001)
	tests := []struct {
		name   string
		change func(r *Referral)
		opts   []ValidateOption
		want   []want
	}{
		{name: "valid referral", change: func(r *Referral) {}},
		{name: "missing id", change: func(r *Referral) { r.ID = "" }, want: []want{{"required", "id"}}},
		{name: "missing form", change: func(r *Referral) { r.Form = "" }, want: []want{{"required", "form"}}},
		{name: "missing dateSent", change: func(r *Referral) { r.DateSent = Date{} }, want: []want{{"required", "dateSent"}}},
		{name: "missing referrer name", change: func(r *Referral) { r.Referrer.Name = "" }, want: []want{{"required", "referrer.name"}}},
		{name: "missing referrer organisation", change: func(r *Referral) { r.Referrer.Organisation = "" }, want: []want{{"required", "referrer.organisation"}}},
		{name: "missing referrer role", change: func(r *Referral) { r.Referrer.Role = "" }, want: []want{{"required", "referrer.role"}}},
		{name: "missing subject name", change: func(r *Referral) { r.Subject.Name = "" }, want: []want{{"required", "subject.name"}}},
		{name: "missing behaviourSummary", change: func(r *Referral) { r.BehaviourSummary = "" }, want: []want{{"required", "behaviourSummary"}}},
		{name: "missing victim name", change: func(r *Referral) { r.Victims[0].Name = "" }, want: []want{{"required", "victims[0].name"}}},
		{name: "missing victim relationship", change: func(r *Referral) { r.Victims[0].Relationship = "" }, want: []want{{"required", "victims[0].relationship"}}},
		{name: "missing agency name", change: func(r *Referral) { r.OtherAgencies = []Agency{{Nature: NatureHousing}} }, want: []want{{"required", "otherAgencies[0].name"}}},
		{name: "missing risk instrument", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Score: intp(3)} }, want: []want{{"required", "riskAssessment.instrument"}}},
		{name: "no victims", change: func(r *Referral) { r.Victims = nil }, want: []want{{"no-victims", "victims"}}},
		{name: "empty victim list", change: func(r *Referral) { r.Victims = []Victim{} }, want: []want{{"no-victims", "victims"}}},
		{name: "referrer has neither phone nor email", change: func(r *Referral) { r.Referrer.Phone, r.Referrer.Email = "", "" }, want: []want{{"no-referrer-contact", "referrer"}}},
		{name: "referrer with phone only", change: func(r *Referral) { r.Referrer.Email = "" }},
		{name: "referrer with email only", change: func(r *Referral) { r.Referrer.Phone = "" }},
		{name: "malformed referrer email", change: func(r *Referral) { r.Referrer.Email = "a.example.org" }, want: []want{{"bad-email", "referrer.email"}}},
		{name: "malformed subject email", change: func(r *Referral) { r.Subject.Email = "b@" }, want: []want{{"bad-email", "subject.email"}}},
		{name: "bad form", change: func(r *Referral) { r.Form = "stalking" }, want: []want{{"bad-enum", "form"}}},
		{name: "bad subject gender", change: func(r *Referral) { r.Subject.Gender = "man" }, want: []want{{"bad-enum", "subject.gender"}}},
		{name: "bad acceptsResponsibility", change: func(r *Referral) { r.Subject.AcceptsResponsibility = "partly" }, want: []want{{"bad-enum", "subject.acceptsResponsibility"}}},
		{name: "bad substanceMisuse", change: func(r *Referral) { r.Subject.SubstanceMisuse = "Managed" }, want: []want{{"bad-enum", "subject.substanceMisuse"}}},
		{name: "bad mentalHealth", change: func(r *Referral) { r.Subject.MentalHealth = "ok" }, want: []want{{"bad-enum", "subject.mentalHealth"}}},
		{name: "bad currentOrder", change: func(r *Referral) { r.Subject.CurrentOrder = "suspended" }, want: []want{{"bad-enum", "subject.currentOrder"}}},
		{name: "bad likelyOrder", change: func(r *Referral) { r.Subject.LikelyOrder = "yes" }, want: []want{{"bad-enum", "subject.likelyOrder"}}},
		{name: "bad relationship", change: func(r *Referral) { r.Victims[0].Relationship = "ex partner" }, want: []want{{"bad-enum", "victims[0].relationship"}}},
		{name: "bad victim gender", change: func(r *Referral) { r.Victims[0].Gender = "f" }, want: []want{{"bad-enum", "victims[0].gender"}}},
		{name: "bad agency nature", change: func(r *Referral) { r.OtherAgencies = []Agency{{Name: "X", Nature: "police"}} }, want: []want{{"bad-enum", "otherAgencies[0].nature"}}},
		{name: "bad instrument", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: "dash"} }, want: []want{{"bad-enum", "riskAssessment.instrument"}}},
		{name: "victim not known to a service without reason", change: func(r *Referral) { r.Victims[0].KnownToSupportService = No() },
			want: []want{{"reason-not-known-required", "victims[0].reasonNotKnown"}}},
		{name: "victim not known to a service with blank reason", change: func(r *Referral) {
			r.Victims[0].KnownToSupportService, r.Victims[0].ReasonNotKnown = No(), "  "
		}, want: []want{{"reason-not-known-required", "victims[0].reasonNotKnown"}}},
		{name: "victim not known to a service with reason", change: func(r *Referral) {
			r.Victims[0].KnownToSupportService, r.Victims[0].ReasonNotKnown = No(), "New disclosure."
		}},
		{name: "unanswered knownToSupportService needs no reason", change: func(r *Referral) { r.Victims[0].KnownToSupportService = nil }},
		{name: "victim aware of services without details", change: func(r *Referral) { r.Victims[0].ServicesProvided = "" },
			want: []want{{"services-provided-required", "victims[0].servicesProvided"}}},
		{name: "victim not aware of services needs no details", change: func(r *Referral) {
			r.Victims[0].AwareOfSupportServices, r.Victims[0].ServicesProvided = No(), ""
		}},
		{name: "updates wanted without consent", change: func(r *Referral) { r.Victims[0].ConsentsToContact = No() },
			want: []want{{"updates-without-consent", "victims[0].wantsUpdates"}}},
		{name: "updates wanted with consent unanswered", change: func(r *Referral) { r.Victims[0].ConsentsToContact = nil },
			want: []want{{"updates-without-consent", "victims[0].wantsUpdates"}}},
		{name: "no updates without consent is fine", change: func(r *Referral) { r.Victims[0].ConsentsToContact, r.Victims[0].WantsUpdates = No(), No() }},
		{name: "rule on the second victim", change: func(r *Referral) {
			v := r.Victims[0]
			v.KnownToSupportService = No()
			r.Victims = append(r.Victims, v)
			r.Victims[0].ReasonNotKnown = "Given."
		}, want: []want{{"reason-not-known-required", "victims[1].reasonNotKnown"}}},
		{name: "cobi referral with subjectToSPO unanswered", change: func(r *Referral) { r.Form = FormCOBI },
			want: []want{{"spo-unanswered", "subject.subjectToSPO"}}},
		{name: "cobi referral with subjectToSPO false", change: func(r *Referral) { r.Form, r.Subject.SubjectToSPO = FormCOBI, No() }},
		{name: "healthy relationships referral need not answer subjectToSPO", change: func(r *Referral) { r.Subject.SubjectToSPO = nil }},
		{name: "risk to staff without details", change: func(r *Referral) { r.RiskToStaff = &RiskToStaff{Present: Yes()} },
			want: []want{{"risk-details-required", "riskToStaff.details"}}},
		{name: "no risk to staff needs no details", change: func(r *Referral) { r.RiskToStaff = &RiskToStaff{Present: No()} }},
		{name: "dash-24 score above range", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentDASH24, Score: intp(25)} },
			want: []want{{"score-out-of-range", "riskAssessment.score"}}},
		{name: "dash-24 score at top of range", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentDASH24, Score: intp(24)} }},
		{name: "dash-27 score above range", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentDASH27, Score: intp(28)} },
			want: []want{{"score-out-of-range", "riskAssessment.score"}}},
		{name: "s-dash score above range", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentSDASH, Score: intp(12)} },
			want: []want{{"score-out-of-range", "riskAssessment.score"}}},
		{name: "negative dara score", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentDARA, Score: intp(-1)} },
			want: []want{{"score-out-of-range", "riskAssessment.score"}}},
		{name: "large other score", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentOther, Score: intp(1000)} }},
		{name: "score ranges from an option", change: func(r *Referral) { r.RiskAssessment = &RiskAssessment{Instrument: InstrumentDARA, Score: intp(30)} },
			opts: []ValidateOption{WithScoreRanges(map[Instrument]ScoreRange{InstrumentDARA: {Min: 0, Max: 20}})},
			want: []want{{"score-out-of-range", "riskAssessment.score"}}},
		{name: "bad score range option", opts: []ValidateOption{WithScoreRanges(map[Instrument]ScoreRange{InstrumentDARA: {Min: 5, Max: 1}})},
			change: func(r *Referral) {}, want: []want{{"bad-option", ""}}},
		{name: "negative incidents", change: func(r *Referral) {
			r.RiskAssessment = &RiskAssessment{Instrument: InstrumentDARA, IncidentsLast6Months: intp(-2)}
		},
			want: []want{{"out-of-range", "riskAssessment.incidentsLast6Months"}}},
		{name: "too many victims", change: func(r *Referral) { r.Victims = make([]Victim, MaxVictims+1) },
			want: []want{{"too-many-items", "victims"}}},
		{name: "too many children", change: func(r *Referral) { r.Children = make([]Child, MaxChildren+1) },
			want: []want{{"too-many-items", "children"}}},
		{name: "too many agencies", change: func(r *Referral) { r.OtherAgencies = make([]Agency, MaxAgencies+1) },
			want: []want{{"too-many-items", "otherAgencies"}}},
		{name: "fifty victims is the limit", change: func(r *Referral) {
			v := r.Victims[0]
			r.Victims = make([]Victim, MaxVictims)
			for i := range r.Victims {
				r.Victims[i] = v
			}
		}},
		{name: "behaviour summary too long", change: func(r *Referral) { r.BehaviourSummary = Text(long) }, want: []want{{"too-long", "behaviourSummary"}}},
		{name: "victim name too long", change: func(r *Referral) { r.Victims[0].Name = Name(long[:201]) }, want: []want{{"too-long", "victims[0].name"}}},
		{name: "many problems at once", change: func(r *Referral) {
			r.ID, r.Form = "", FormCOBI
			r.Referrer.Phone, r.Referrer.Email = "", ""
			r.Victims[0].ConsentsToContact = No()
		}, want: []want{{"required", "id"}, {"updates-without-consent", "victims[0].wantsUpdates"}, {"no-referrer-contact", "referrer"}, {"spo-unanswered", "subject.subjectToSPO"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.change(r)
			err := r.Validate(tt.opts...)
			if len(tt.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var list diag.List
			require.ErrorAs(t, err, &list)
			got := []want{}
			for _, d := range list {
				got = append(got, want{d.Code, d.Path})
				assert.NotEmpty(t, d.Summary)
				assert.NotEmpty(t, d.Detail)
				assert.True(t, d.Range.IsZero(), "Validate gives no positions")
				checkPlainEnglish(t, d, r)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

// checkPlainEnglish fails when a message names a Go identifier or repeats a
// personal value from r.
func checkPlainEnglish(t *testing.T, d *diag.Diagnostic, r *Referral) {
	t.Helper()
	msg := d.Summary + " " + d.Detail
	assert.NotRegexp(t, `\b(Referral|Victim|Subject|Referrer|bool|string|int|int64|float64|struct|ValidationErrors|Field validation)\b|\*bool`, msg, "message names Go")
	personal := []string{string(r.Referrer.Email), string(r.Subject.Email), string(r.Referrer.Name), string(r.Subject.Name), string(r.Referrer.Phone)}
	for _, v := range r.Victims {
		personal = append(personal, string(v.Name))
	}
	for _, p := range personal {
		if len(p) > 3 {
			assert.NotContains(t, msg, p, "message repeats a personal value")
		}
	}
}

// TestZeroValues validates the zero value of every type: validator panics on
// a bad tag only when it first meets the type.
func TestZeroValues(t *testing.T) {
	v := theValidator()
	for _, x := range []any{Referral{}, &Referral{}, Referrer{}, Subject{}, Agency{}, Victim{}, Child{}, RiskToStaff{}, RiskAssessment{}} {
		assert.NotPanics(t, func() { _ = v.Struct(x) }, "%T", x)
	}
	assert.Error(t, (&Referral{}).Validate())
	assert.Error(t, (*Referral)(nil).Validate())
	full := &Referral{OtherAgencies: []Agency{{}}, Victims: []Victim{{}}, Children: []Child{{}}, RiskToStaff: &RiskToStaff{}, RiskAssessment: &RiskAssessment{}}
	assert.NotPanics(t, func() { _ = full.Validate() })
}

func TestEnumMessagesListAllowedValues(t *testing.T) {
	r := valid()
	r.Subject.MentalHealth = "fine"
	list := diag.From(r.Validate())
	require.Len(t, list, 1)
	assert.Equal(t, `Use one of "none", "managed", "manageable" or "unmanaged", written exactly so.`, list[0].Detail)
}

// TestRead covers decoding and validating together: positions are attached,
// a problem is not reported twice, and the referral is kept.
func TestRead(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		nilRef   bool
		want     []string // "code path line:col"
		checkRef func(t *testing.T, r *Referral)
	}{
		{name: "not JSON or YAML", src: `{"id": `, nilRef: true, want: []string{"syntax  1:8"}},
		{name: "empty file", src: "", nilRef: true, want: []string{"documents "}},
		{name: "a list is not a referral", src: "- a\n- b\n", nilRef: true, want: []string{"not-a-referral  1:1"}},
		{name: "text is not a referral", src: "hello world\n", nilRef: true, want: []string{"not-a-referral  1:1"}},
		{name: "bad date is not also missing", src: `{"dateSent": "2024-02-30"}`,
			want: []string{"bad-date dateSent 1:14", "no-referrer-contact referrer 1:1", "no-victims victims 1:1", "required behaviourSummary 1:1",
				"required form 1:1", "required id 1:1", "required referrer.name 1:1", "required referrer.organisation 1:1", "required referrer.role 1:1", "required subject.name 1:1"}},
		{name: "unknown field keeps the rest", src: "id: X\nform: cobi\nsubject:\n  subjectToSPO: true\n  mentalHelth: none\n",
			want: []string{"required dateSent 1:1", "no-referrer-contact referrer 1:1", "no-victims victims 1:1", "required behaviourSummary 1:1",
				"required referrer.name 1:1", "required referrer.organisation 1:1", "required referrer.role 1:1",
				"required subject.name 4:3", "unknown-key subject 5:3"},
			checkRef: func(t *testing.T, r *Referral) {
				assert.Equal(t, "X", r.ID)
				assert.Equal(t, FormCOBI, r.Form)
				require.NotNil(t, r.Subject.SubjectToSPO)
				assert.True(t, *r.Subject.SubjectToSPO)
			}},
		{name: "wrong type is not also unanswered", src: "form: cobi\nsubject: {subjectToSPO: \"yes\"}\n",
			want: []string{"wrong-type subject.subjectToSPO 2:25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, probs := Read("in.yaml", []byte(tt.src))
			assert.Equal(t, tt.nilRef, r == nil)
			got := []string{}
			for _, d := range probs {
				got = append(got, strings.TrimSpace(strings.TrimSpace(d.Code+" "+d.Path)+" "+posOf(d)))
				if d.Range.Start.Line > 0 && d.Range.Start.Line <= strings.Count(tt.src, "\n") {
					assert.NotEmpty(t, d.Excerpt)
				}
			}
			if tt.name == "wrong type is not also unanswered" {
				// Only the wrong-type problem is about subjectToSPO.
				n := 0
				for _, g := range got {
					if strings.Contains(g, "subjectToSPO") {
						n++
					}
				}
				assert.Equal(t, 1, n, "%v", got)
				assert.Contains(t, got, tt.want[0])
			} else {
				for i := range tt.want {
					tt.want[i] = strings.TrimSpace(strings.Replace(tt.want[i], "  ", " ", 1))
				}
				assert.ElementsMatch(t, tt.want, got)
			}
			if tt.checkRef != nil {
				tt.checkRef(t, r)
			}
		})
	}
}

func posOf(d *diag.Diagnostic) string {
	return strings.TrimPrefix(strings.TrimPrefix(d.Range.String(), d.Range.File), ":")
}

func TestDecode(t *testing.T) {
	r, err := Decode("x.json", []byte(`{"id": "A", "victims": [{"name": "V", "relationship": "partner", "knownToSupportService": false}]}`))
	require.NoError(t, err, "Decode does not validate")
	assert.Equal(t, Name("V"), r.Victims[0].Name)

	r, err = Decode("x.json", []byte(`{"id": 1}`))
	require.NotNil(t, r)
	var list diag.List
	require.ErrorAs(t, err, &list)
	assert.Equal(t, "wrong-type", list[0].Code)

	r, err = Decode("x.json", []byte(`{`))
	assert.Nil(t, r)
	require.ErrorAs(t, err, &list)
	assert.Equal(t, "syntax", list[0].Code)
}

// TestGolden compares the rendered problems of every example with its
// golden file. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../examples/referrals/*")
	require.NoError(t, err)
	invalid := 0
	for _, file := range files {
		base := filepath.Base(file)
		t.Run(base, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			r, probs := Read("examples/referrals/"+base, data)
			require.NotNil(t, r)
			if !strings.HasPrefix(base, "invalid-") {
				assert.Empty(t, probs, "a valid example has problems:\n%v", probs)
				return
			}
			invalid++
			require.NotEmpty(t, probs, "an invalid example has no problem")
			var b strings.Builder
			require.NoError(t, probs.Text(&b))
			golden.Check(t, filepath.Join("testdata", "golden", strings.TrimSuffix(base, filepath.Ext(base))+".txt"), []byte(b.String()))
			for _, d := range probs {
				checkPlainEnglish(t, d, r)
			}
		})
	}
}
