package pathway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/leakcheck"
	"github.com/saferpath/pathway/referral"
)

func readExample(t testing.TB, name string) *referral.Referral {
	t.Helper()
	data, err := os.ReadFile("examples/referrals/" + name)
	require.NoError(t, err)
	r, problems := referral.Read(name, data)
	require.Empty(t, problems)
	return r
}

func TestVersionInForce(t *testing.T) {
	pack := pathway.Default()
	tests := []struct {
		name, date, want string
	}{
		{"day before the first window", "2021-08-31", ""},
		{"first day of 2021-09", "2021-09-01", "2021-09"},
		{"last day of 2021-09", "2022-07-31", "2021-09"},
		{"first day of 2022-08", "2022-08-01", "2022-08"},
		{"last day of 2022-08", "2025-03-31", "2022-08"},
		{"day after the last window", "2025-04-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readExample(t, "hr-eligible.json")
			a, err := pack.Assess(context.Background(), r, pathway.At(referral.MustDate(tt.date)))
			if tt.want == "" {
				var nv *pathway.NoVersionError
				require.ErrorAs(t, err, &nv)
				assert.Contains(t, err.Error(), tt.date)
				assert.Contains(t, err.Error(), "2021-09 (2021-09-01 to 2022-07-31)")
				assert.Contains(t, err.Error(), "2022-08 (2022-08-01 to 2025-03-31)")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.Pack.Version)
			assert.Equal(t, "kent", a.Pack.Name)
			assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, a.Pack.Digest)
			assert.Equal(t, tt.date, a.At.String())
		})
	}
}

func TestDigestsDifferByVersion(t *testing.T) {
	vs := pathway.Default().Versions()
	require.Len(t, vs, 2)
	assert.NotEqual(t, vs[0].Digest, vs[1].Digest)
	again, err := pathway.Load(os.DirFS("rules/kent"))
	require.NoError(t, err)
	assert.Equal(t, vs[1].Digest, again.Versions()[1].Digest, "the digest depends only on the files")
}

// TestDefaultRules walks every default rule across its boundaries, in both
// versions, from a complete eligible referral.
func TestDefaultRules(t *testing.T) {
	type want struct {
		decision   pathway.Decision
		failed     []string
		unknown    []string
		missing    []string
		programmes []string
	}
	eligible := want{decision: pathway.Eligible, programmes: []string{"healthy-relationships", "da-groupwork"}}
	tests := []struct {
		name string
		at   string
		edit func(r *referral.Referral)
		want want
	}{
		{name: "complete referral is eligible", edit: func(*referral.Referral) {}, want: eligible},
		{name: "full responsibility", edit: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "full" }, want: eligible},
		{name: "no responsibility in 2022-08 goes to early response",
			edit: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "none" },
			want: want{decision: pathway.Eligible, failed: []string{"accepts-responsibility"}, programmes: []string{"early-response"}}},
		{name: "no responsibility in 2021-09 is ineligible", at: "2022-01-10",
			edit: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "none" },
			want: want{decision: pathway.Ineligible, failed: []string{"accepts-responsibility"}}},
		{name: "responsibility unanswered",
			edit: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "" },
			want: want{decision: pathway.Incomplete, unknown: []string{"accepts-responsibility"}, missing: []string{"subject.acceptsResponsibility"}}},
		{name: "substance misuse manageable", edit: func(r *referral.Referral) { r.Subject.SubstanceMisuse = "manageable" }, want: eligible},
		{name: "substance misuse unmanaged",
			edit: func(r *referral.Referral) { r.Subject.SubstanceMisuse = "unmanaged" },
			want: want{decision: pathway.Ineligible, failed: []string{"substance-misuse-manageable"}}},
		{name: "mental health managed", edit: func(r *referral.Referral) { r.Subject.MentalHealth = "managed" }, want: eligible},
		{name: "mental health unmanaged",
			edit: func(r *referral.Referral) { r.Subject.MentalHealth = "unmanaged" },
			want: want{decision: pathway.Ineligible, failed: []string{"mental-health-manageable"}}},
		{name: "no consent to information sharing",
			edit: func(r *referral.Referral) { r.Subject.ConsentsToInformationSharing = referral.No() },
			want: want{decision: pathway.Ineligible, failed: []string{"consents-to-information-sharing"}}},
		{name: "consent unanswered",
			edit: func(r *referral.Referral) { r.Subject.ConsentsToInformationSharing = nil },
			want: want{decision: pathway.Incomplete, unknown: []string{"consents-to-information-sharing"}, missing: []string{"subject.consentsToInformationSharing"}}},
		{name: "community order", edit: func(r *referral.Referral) { r.Subject.CurrentOrder = "community" },
			want: want{decision: pathway.Ineligible, failed: []string{"subject-to-order"}}},
		{name: "custodial order", edit: func(r *referral.Referral) { r.Subject.CurrentOrder = "custodial" },
			want: want{decision: pathway.Ineligible, failed: []string{"subject-to-order"}}},
		{name: "likely order, court on day 84", edit: court("custodial", 84),
			want: want{decision: pathway.Ineligible, failed: []string{"order-likely-within-12-weeks"}}},
		{name: "likely order, court on day 85", edit: court("community", 85), want: eligible},
		{name: "a court date before the referral was sent is not the next hearing", edit: court("community", -3),
			want: want{decision: pathway.Invalid}},
		{name: "likely order without a court date", edit: court("community", 0),
			want: want{decision: pathway.Incomplete, unknown: []string{"order-likely-within-12-weeks"}, missing: []string{"subject.nextCourtDate"}}},
		{name: "likely order unanswered, court within 12 weeks", edit: court("", 30),
			want: want{decision: pathway.Incomplete, unknown: []string{"order-likely-within-12-weeks"}, missing: []string{"subject.likelyOrder"}}},
		{name: "likely order unanswered and no court date", edit: court("", 0),
			want: want{decision: pathway.Incomplete, unknown: []string{"order-likely-within-12-weeks"}, missing: []string{"subject.likelyOrder", "subject.nextCourtDate"}}},
		{name: "no likely order, no court date", edit: court("none", 0), want: eligible},
		// The likely order would not change the result: with the court date
		// beyond 12 weeks the exclusion cannot apply, whatever the answer.
		{name: "likely order unanswered, court after 12 weeks", edit: court("", 85), want: eligible},
		{name: "a fail outweighs an unknown",
			edit: func(r *referral.Referral) {
				r.Subject.MentalHealth = "unmanaged"
				r.Subject.ConsentsToInformationSharing = nil
			},
			want: want{decision: pathway.Ineligible, failed: []string{"mental-health-manageable"}, unknown: []string{"consents-to-information-sharing"},
				missing: []string{"subject.consentsToInformationSharing"}}},
		{name: "a waived failure with an unknown is incomplete",
			edit: func(r *referral.Referral) {
				r.Subject.AcceptsResponsibility = "none"
				r.Subject.MentalHealth = ""
			},
			want: want{decision: pathway.Incomplete, failed: []string{"accepts-responsibility"}, unknown: []string{"mental-health-manageable"},
				missing: []string{"subject.mentalHealth"}}},
		{name: "a waived failure with another failure is ineligible",
			edit: func(r *referral.Referral) {
				r.Subject.AcceptsResponsibility = "none"
				r.Subject.SubstanceMisuse = "unmanaged"
			},
			want: want{decision: pathway.Ineligible, failed: []string{"accepts-responsibility", "substance-misuse-manageable"}}},
		{name: "an exclusion with a waived failure is ineligible",
			edit: func(r *referral.Referral) {
				r.Subject.AcceptsResponsibility = "none"
				r.Subject.CurrentOrder = "community"
			},
			want: want{decision: pathway.Ineligible, failed: []string{"accepts-responsibility", "subject-to-order"}}},
	}
	pack := pathway.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readExample(t, "hr-eligible.json")
			tt.edit(r)
			var opts []pathway.AssessOption
			if tt.at != "" {
				opts = append(opts, pathway.At(referral.MustDate(tt.at)))
			}
			a, err := pack.Assess(context.Background(), r, opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.want.decision, a.Decision)
			assert.ElementsMatch(t, tt.want.failed, a.Failed, "failed")
			assert.ElementsMatch(t, tt.want.unknown, a.Unknown, "unknown")
			assert.ElementsMatch(t, tt.want.missing, a.Missing, "missing")
			assert.ElementsMatch(t, tt.want.programmes, a.ProgrammeIDs(), "programmes")
			for _, rr := range a.Rules {
				assert.NotEmpty(t, rr.Reason, rr.ID)
				assert.Regexp(t, `^rules/kent/20\d\d-\d\d/\w+\.yaml:\d+:\d+$`, rr.Source, rr.ID)
			}
		})
	}
}

// court sets the likely order and a court date days after dateSent (none
// when days is 0).
func court(order referral.Order, days int) func(r *referral.Referral) {
	return func(r *referral.Referral) {
		r.Subject.LikelyOrder = order
		r.Subject.NextCourtDate = referral.Date{}
		if days != 0 {
			r.Subject.NextCourtDate = r.DateSent.AddDays(days)
		}
	}
}

// personalRules read every kind of personal answer: whatever they decide,
// the assessment must not echo a value.
const personalRules = `criteria:
  - {id: subject-named, title: Named, description: d, source: s, because: b, when: 'subject.name != "" && len(subject.address) > 3'}
  - {id: victim-initial, title: Initial, description: d, source: s, because: b, when: 'any(victims, .name startsWith "M")'}
  - {id: victim-born, title: Born, description: d, source: s, because: b, when: 'victims[0].dateOfBirth < today'}
  - {id: summary-words, title: Words, description: d, source: s, because: b, when: 'behaviourSummary contains "controlling"'}
  - {id: contacts, title: Contacts, description: d, source: s, because: b, when: 'referrer.phone != nil && subject.email endsWith ".org" && victims[0].supportServiceContact != ""'}
  - {id: subject-born, title: Age, description: d, source: s, because: b, when: 'yearsBetween(subject.dateOfBirth, today) >= 18'}
`

// TestReadsNeverEchoPersonalData assesses a referral under rules that read
// names, addresses, contacts, dates of birth and free text: no rule lists
// a personal answer among its reads, and no personal value appears in the
// assessment, in JSON or in text.
func TestReadsNeverEchoPersonalData(t *testing.T) {
	fsys := attackPack(t, "nested-ranges")
	fsys["2024-01/eligibility.yaml"] = &fstest.MapFile{Data: []byte(personalRules)}
	pack, err := pathway.Load(fsys)
	require.NoError(t, err)
	r, values := attackReferral(t)
	a, err := pack.Assess(context.Background(), r)
	require.NoError(t, err)
	require.Equal(t, pathway.Eligible, a.Decision, "every rule is met: %v", a.Failed)
	for _, rr := range a.Rules {
		for _, rd := range rr.Reads {
			if f, ok := referral.FieldAt(rd.Path); ok {
				assert.False(t, f.Personal, "%s lists the personal answer %s", rr.ID, rd.Path)
			}
		}
	}
	var out bytes.Buffer
	require.NoError(t, json.NewEncoder(&out).Encode(a))
	require.NoError(t, a.WriteText(&out))
	assert.Empty(t, leakcheck.Find(out.String(), values))
	r.Victims[0].SupportServiceContact = ""
	a, err = pack.Assess(context.Background(), r)
	require.NoError(t, err)
	assert.Contains(t, a.Missing, "victims[0].supportServiceContact", "a missing personal answer is named by its path")
}

func TestInvalidReferralStillAssessed(t *testing.T) {
	data, err := os.ReadFile("examples/referrals/invalid-missing-referrer-contact.json")
	require.NoError(t, err)
	r, problems := referral.Read("invalid-missing-referrer-contact.json", data)
	require.NotNil(t, r)
	require.NotEmpty(t, problems)
	a, err := pathway.Default().Assess(context.Background(), r, pathway.WithProblems(problems))
	require.NoError(t, err)
	assert.Equal(t, pathway.Invalid, a.Decision)
	assert.NotEmpty(t, a.Problems)
	assert.Empty(t, a.Rules, "nothing but safeguarding is evaluated for an invalid referral")
	for _, d := range a.Problems {
		assert.Empty(t, d.Excerpt, "an assessment never carries a line of the referral: it may hold personal data")
	}
	assert.Empty(t, a.Programmes)
}

func TestAssessErrors(t *testing.T) {
	pack := pathway.Default()
	_, err := pack.Assess(context.Background(), nil)
	require.Error(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = pack.Assess(ctx, readExample(t, "hr-eligible.json"))
	require.True(t, errors.Is(err, context.Canceled))
	_, err = pack.Assess(context.Background(), readExample(t, "hr-eligible.json"), pathway.UsingVersion("1999-01"))
	require.Error(t, err)
	a, err := pack.Assess(context.Background(), readExample(t, "hr-eligible.json"), pathway.UsingVersion("2021-09"))
	require.NoError(t, err)
	assert.Equal(t, "2021-09", a.Pack.Version)
}

func TestAssessConcurrently(t *testing.T) {
	pack := pathway.Default()
	names := []string{"hr-eligible.json", "cobi-eligible.json", "hr-female-subject.json", "hr-several-victims-children.json", "hr-unanswered-eligibility.json"}
	want := map[string]*pathway.Assessment{}
	for _, n := range names {
		a, err := pack.Assess(context.Background(), readExample(t, n))
		require.NoError(t, err)
		want[n] = a
	}
	done := make(chan error)
	for range 8 {
		go func() {
			for range 50 {
				for _, n := range names {
					a, err := pack.Assess(context.Background(), readExample(t, n))
					if err != nil {
						done <- err
						return
					}
					if a.Decision != want[n].Decision || len(a.Rules) != len(want[n].Rules) {
						done <- errors.New(n + " decided differently")
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}

// TestConcurrentAssessmentsMatchSequential assesses varied referrals from
// many goroutines at once (run it with -race): every result is the one the
// same referral gets alone.
func TestConcurrentAssessmentsMatchSequential(t *testing.T) {
	files, err := filepath.Glob("examples/referrals/*")
	require.NoError(t, err)
	var refs []*referral.Referral
	var opts [][]pathway.AssessOption
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		r, problems := referral.Read(f, data)
		if r == nil {
			continue
		}
		for i, edit := range []func(*referral.Referral){
			func(*referral.Referral) {},
			func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "none" },
			func(r *referral.Referral) {
				r.Subject.LikelyOrder, r.Subject.NextCourtDate = "community", r.DateSent.AddDays(30)
			},
			func(r *referral.Referral) { r.Subject.MentalHealth = "" },
		} {
			c := *r
			c.Subject = r.Subject
			edit(&c)
			refs = append(refs, &c)
			opts = append(opts, []pathway.AssessOption{pathway.WithProblems(problems)})
			if i == 3 {
				opts[len(opts)-1] = append(opts[len(opts)-1], pathway.At(referral.MustDate("2022-01-10")))
			}
		}
	}
	pack := pathway.Default()
	want := make([]string, len(refs))
	for i, r := range refs {
		a, err := pack.Assess(context.Background(), r, opts[i]...)
		if err != nil {
			want[i] = err.Error()
			continue
		}
		b, err := json.Marshal(a)
		require.NoError(t, err)
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	got := make([][]string, 8)
	for g := range got {
		got[g] = make([]string, len(refs))
		wg.Go(func() {
			for k := range len(refs) * 3 {
				i := (k*7 + g) % len(refs)
				a, err := pack.Assess(context.Background(), refs[i], opts[i]...)
				if err != nil {
					got[g][i] = err.Error()
					continue
				}
				b, _ := json.Marshal(a)
				got[g][i] = string(b)
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i := range refs {
			if got[g][i] != "" {
				assert.Equal(t, want[i], got[g][i], "referral %d in goroutine %d", i, g)
			}
		}
	}
}

// TestWaiverBehindAnUnknownCondition: a failed criterion that only a
// programme with an undecided condition would waive leaves the referral
// incomplete, not ineligible: the missing answer decides.
func TestWaiverBehindAnUnknownCondition(t *testing.T) {
	fsys := attackPack(t, "nested-ranges")
	fsys["2024-01/eligibility.yaml"] = &fstest.MapFile{Data: []byte(`criteria:
  - {id: consents, title: Consents, description: d, source: s, because: b, when: 'subject.consentsToInformationSharing == true'}
`)}
	fsys["2024-01/programmes.yaml"] = &fstest.MapFile{Data: []byte(`programmes:
  - {id: engagement, title: Engagement, name: Engagement work, description: d, source: s, because: b, addresses: engagement,
     model: m, delivery: one-to-one, staff: s, uncapped: true, waives: [consents], when: 'subject.gender == "male"'}
`)}
	pack, err := pathway.Load(fsys)
	require.NoError(t, err)
	r, _ := attackReferral(t)
	r.Subject.ConsentsToInformationSharing = referral.No()
	tests := []struct {
		gender     referral.Gender
		decision   pathway.Decision
		missing    []string
		programmes []string
	}{
		{"", pathway.Incomplete, []string{"subject.gender"}, nil},
		{"male", pathway.Eligible, nil, []string{"engagement"}},
		{"female", pathway.Ineligible, nil, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.gender), func(t *testing.T) {
			r.Subject.Gender = tt.gender
			a, err := pack.Assess(context.Background(), r)
			require.NoError(t, err)
			assert.Equal(t, tt.decision, a.Decision)
			assert.ElementsMatch(t, tt.missing, a.Missing)
			assert.ElementsMatch(t, tt.programmes, a.ProgrammeIDs())
		})
	}
}

func TestViewsAreNotAssessed(t *testing.T) {
	r, _ := attackReferral(t)
	view, err := pathway.Default().Versions()[1].Safeguarding.Redact(r, "provider")
	require.NoError(t, err)
	require.NoError(t, view.Validate(), "a view is a valid referral")
	a, err := pathway.Default().Assess(context.Background(), view)
	require.NoError(t, err)
	assert.Equal(t, pathway.Invalid, a.Decision, "but not one to decide on")
	assert.Equal(t, "view-not-assessable", a.Problems[0].Code)
}
