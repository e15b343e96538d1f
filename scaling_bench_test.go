package pathway_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/referral"
)

// The benchmarks in this file measure how the cost of an assessment grows
// with the work: with the victims of a referral, and with the rules of a
// pack (docs/performance.md):
//
//	go test -run '^$' -bench 'AssessVictims|EligibilityRules' -benchmem -count 6 . | tee scaling.txt
//	benchstat scaling.txt

// withVictims is the example referral with its victim copied to make n.
func withVictims(tb testing.TB, n int) *referral.Referral {
	r := *benchReferral(tb)
	require.Len(tb, r.Victims, 1)
	victims := make(referral.Victims, n)
	for i := range victims {
		victims[i] = r.Victims[0]
	}
	r.Victims = victims
	return &r
}

var victimCounts = []int{1, 10, 50}

// BenchmarkAssessVictims is a full assessment (eligibility, programmes,
// safeguarding actions for every victim) of the example referral with 1,
// 10 and 50 victims, the most the referral format accepts.
func BenchmarkAssessVictims(b *testing.B) {
	pack := pathway.Default()
	ctx := context.Background()
	for _, n := range victimCounts {
		r := withVictims(b, n)
		b.Run(fmt.Sprintf("victims=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a, err := pack.Assess(ctx, r)
				if err != nil {
					b.Fatal(err)
				}
				if a.Decision != pathway.Eligible {
					b.Fatal(a.Decision)
				}
			}
		})
	}
}

// TestAssessVictims keeps BenchmarkAssessVictims honest: each copy of the
// victim is assessed, so that the work grows with them.
func TestAssessVictims(t *testing.T) {
	for _, n := range victimCounts {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			a, err := pathway.Default().Assess(context.Background(), withVictims(t, n))
			require.NoError(t, err)
			assert.Equal(t, pathway.Eligible, a.Decision)
			perVictim := 0
			for _, act := range a.Actions {
				if act.Victim != nil {
					perVictim++
				}
			}
			assert.GreaterOrEqual(t, perVictim, n, "actions for single victims")
		})
	}
}

// extraRule is a template of eligibility rules over the referral's
// answers: its condition is formatted with each of its values.
type extraRule struct {
	id, title, when string
	exclusion       bool
	values          []any
}

// extraRules are conditions of the kinds rule packs hold: ages and dates,
// scores and counts, list helpers over victims, children and agencies,
// choices, text tests and defaults. Formatted with their values they give
// more than 94 rules; the pack takes the first 94.
var extraRules = []extraRule{
	{"min-age", "Aged at least %v", "yearsBetween(subject.dateOfBirth, today) >= %v", false, []any{16, 17, 18, 19, 20, 21, 25}},
	{"max-age", "Aged under %v", "yearsBetween(subject.dateOfBirth, today) < %v", false, []any{60, 65, 70, 75, 80}},
	{"risk-score-below", "Risk score at most %v", "riskAssessment.score <= %v", false, []any{12, 14, 16, 18, 20, 22, 24}},
	{"risk-assessment-recent", "Risk assessed within %v days", "daysBetween(riskAssessment.completedOn, today) <= %v", false, []any{3, 7, 14, 28, 56, 90, 180}},
	{"victims-at-most", "At most %v victims", "len(victims) <= %v", false, []any{2, 3, 5, 10, 20, 50}},
	{"victim-consent", "At least %v victims consent to contact", "count(victims, .consentsToContact == true) >= %v", false, []any{1, 2}},
	{"victims-known", "Every victim known to a service or aware of one (%v)", "all(victims, .knownToSupportService == true || .awareOfSupportServices == %v)", false, []any{true}},
	{"victim-relationship", "A victim is a %v", `any(victims, .relationship == "%v") || len(victims) > 1`, false, []any{"partner", "ex-partner", "family", "other"}},
	{"children-at-home", "At most %v children live with the person", "count(children, .livesWithSubject == true) <= %v", false, []any{0, 1, 2, 3}},
	{"incidents-below", "At most %v incidents in six months", "(riskAssessment.incidentsLast6Months ?? 0) <= %v", false, []any{2, 4, 6, 8, 10}},
	{"instrument-matches-form", "The risk instrument suits the form (%v)", `form == "%v" ? riskAssessment.instrument == "dash-24" : riskAssessment.instrument == "dash-27"`, false, []any{"healthy-relationships"}},
	{"summary-long-enough", "The summary has at least %v characters", "len(behaviourSummary) >= %v", false, []any{20, 50, 100, 200}},
	{"referrer-reachable", "The referrer can be reached (%v)", `referrer.email != nil && referrer.email endsWith "%v"`, false, []any{".org"}},
	{"gender-stated", "The gender is one the form lists (%v)", `subject.gender in ["male", "female", "other"] || %v`, false, []any{false}},
	{"contactable", "The person has a %v", "subject.%v != nil", false, []any{"phone", "email", "address"}},
	{"victims-adult", "Every victim with a date of birth is %v or older", "all(victims, .dateOfBirth == nil || yearsBetween(.dateOfBirth, today) >= %v)", false, []any{16, 18}},
	{"court-soon", "A custodial order likely within %v days", `subject.likelyOrder == "custodial" && daysBetween(today, subject.nextCourtDate) <= %v`, true, []any{7, 14, 28, 42, 56, 70, 84}},
	{"immediate-high-risk", "Immediate risk with a score of %v or more", "(immediateRisk ?? false) && riskAssessment.score >= %v", true, []any{10, 14, 18}},
	{"unmanaged-with-agency", "Unmanaged needs with %v support", `subject.mentalHealth == "unmanaged" && any(otherAgencies, .nature == "%v")`, true, []any{"mental-health", "substance-misuse", "probation"}},
	{"victims-unknown", "More than %v victims unknown to services", "count(victims, .knownToSupportService == false) > %v", true, []any{0, 1, 2}},
	{"young-children-at-home", "A child under %v lives with the person", "any(children, .livesWithSubject == true && yearsBetween(.dateOfBirth, today) < %v)", true, []any{1, 2, 5}},
	{"judged-high-risk", "Judged high risk with %v or more incidents", "riskAssessment.professionalJudgement == true && (riskAssessment.incidentsLast6Months ?? 0) >= %v", true, []any{3, 5}},
	{"spo", "Subject to a Stalking Protection Order (%v)", "subject.subjectToSPO ?? %v", true, []any{false}},
	{"sent-late", "Sent more than %v days after the risk assessment", "let d = daysBetween(riskAssessment.completedOn, dateSent); d > %v", true, []any{14, 30, 60, 90}},
	{"reference-format", "The reference is not of the form %v", `!(id matches "^%v")`, true, []any{"KR-[0-9]{4}-", "[A-Z]{2,3}-"}},
	{"many-agencies", "More than %v other agencies", "len(otherAgencies) > %v", true, []any{3, 5, 10, 20}},
	{"victim-updates", "%v victims want updates but gave no consent", "count(victims, .wantsUpdates == true && .consentsToContact != true) >= %v", true, []any{1, 2}},
}

// largePack writes the kent pack's 2022-08 version to a temporary folder,
// with eligibility rules added to its own six to make rules in all, and
// loads it.
func largePack(tb testing.TB, rules int) *pathway.Version {
	src := filepath.Join("rules", "kent", "2022-08")
	dir := tb.TempDir()
	entries, err := os.ReadDir(src)
	require.NoError(tb, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(tb, err)
		require.NoError(tb, os.WriteFile(filepath.Join(dir, e.Name()), data, 0o600))
	}
	base := pathway.Default().Version("2022-08").Eligibility.All()
	extra := rules - len(base)
	var criteria, exclusions strings.Builder
	added := 0
	for _, t := range extraRules {
		for _, v := range t.values {
			if added == extra {
				break
			}
			rule := fmt.Sprintf("  - id: %s-%d\n    title: %q\n    description: A rule added to measure the cost of many rules.\n"+
				"    source: Pathway's benchmarks\n    when: %q\n    because: Many rules are evaluated for each referral.\n",
				t.id, added, fmt.Sprintf(t.title, v), fmt.Sprintf(t.when, v))
			if t.exclusion {
				exclusions.WriteString(rule)
			} else {
				criteria.WriteString(rule)
			}
			added++
		}
	}
	require.Equal(tb, extra, added, "too few rule templates")
	// Each list of the file is followed by the extra rules of its kind.
	data, err := os.ReadFile(filepath.Join(src, pathway.EligibilityFile))
	require.NoError(tb, err)
	text := string(data)
	at := strings.Index(text, "\nexclusions:\n")
	require.Positive(tb, at)
	text = text[:at+1] + criteria.String() + text[at+1:] + "\n" + exclusions.String()
	require.NoError(tb, os.WriteFile(filepath.Join(dir, pathway.EligibilityFile), []byte(text), 0o600))
	pack, err := pathway.Load(os.DirFS(dir))
	require.NoError(tb, err)
	v := pack.Version("2022-08")
	require.NotNil(tb, v)
	return v
}

var ruleCounts = []int{6, 100}

// BenchmarkEligibilityRules evaluates the eligibility rules of the kent
// pack's 2022-08 version for the example referral, as they are (6 rules)
// and with 94 more (100 rules).
func BenchmarkEligibilityRules(b *testing.B) {
	r := benchReferral(b)
	ctx := context.Background()
	for _, n := range ruleCounts {
		v := pathway.Default().Version("2022-08")
		if n != len(v.Eligibility.All()) {
			v = largePack(b, n)
		}
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			buf := make([]eligibility.Result, 0, n)
			b.ReportAllocs()
			for b.Loop() {
				buf = v.Eligibility.AppendResults(ctx, buf[:0], r, r.DateSent)
				if len(buf) != n {
					b.Fatal(len(buf))
				}
			}
		})
	}
}

// TestLargePack checks the pack BenchmarkEligibilityRules measures: it
// loads with 100 rules, and each is decided for the example referral,
// without error, some of the added ones passing and some failing.
func TestLargePack(t *testing.T) {
	r := benchReferral(t)
	v := largePack(t, 100)
	require.Len(t, v.Eligibility.All(), 100)
	outcomes := map[eligibility.Outcome]int{}
	for _, res := range v.Eligibility.Evaluate(context.Background(), r, r.DateSent) {
		require.NoError(t, res.Err, res.Rule.ID)
		outcomes[res.Outcome]++
	}
	t.Logf("outcomes: %v", outcomes)
	assert.Positive(t, outcomes[eligibility.Pass])
	assert.Positive(t, outcomes[eligibility.Fail])
}
