package scenario_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/scenario"
)

// The kent suite covers every rule and action trigger of both versions.
func TestKentScenarios(t *testing.T) {
	cov := scenario.Test(t, pathway.Default(), os.DirFS(".."), "scenarios/kent")
	assert.Equal(t, 100.0, cov.Percent(), "rules not covered: %+v", cov.Uncovered())
	assert.Len(t, cov.Rules(), 35, "both versions' criteria, exclusions, programmes and actions")
}

// Every mistake in a scenario file is reported at once, at file:line:col,
// with a "did you mean".
func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name string
		file string
	}{
		{name: "unknown keys, pack names, ids, decisions and paths", file: "keys"},
		{name: "set paths and values", file: "set"},
		{name: "ids the pack does not have", file: "ids"},
		{name: "a list index inside braces", file: "syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Load(os.DirFS(".."), "scenario/testdata/broken/"+tt.file+".yaml")
			require.Error(t, err)
			var problems diag.List
			require.ErrorAs(t, err, &problems)
			var b strings.Builder
			require.NoError(t, problems.Text(&b))
			golden.Check(t, filepath.Join("testdata", "broken", tt.file+".golden"), []byte(b.String()))
		})
	}
}

// The runner's failure output: file:line, name, expected and got, and the
// ids missing and unexpected.
func TestFailureOutput(t *testing.T) {
	files, err := scenario.LoadAll(os.DirFS(".."), []string{"scenario/testdata/failing/cases.yaml"})
	require.NoError(t, err)
	results := scenario.Run(context.Background(), files, nil)
	var b strings.Builder
	for _, r := range results {
		require.NoError(t, r.WriteText(&b))
	}
	passed, failed := scenario.Summary(results)
	assert.Equal(t, 1, passed)
	assert.Equal(t, 4, failed)
	golden.Check(t, filepath.Join("testdata", "failing", "cases.golden"), []byte(b.String()))
	assert.NotContains(t, b.String(), "A Victim", "no personal data in the output")
	assert.NotContains(t, b.String(), "Daniel", "no personal data in the output")
}

func mapFS(t *testing.T, scenario string) fstest.MapFS {
	t.Helper()
	ref, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	kids, err := os.ReadFile("../examples/referrals/hr-several-victims-children.json")
	require.NoError(t, err)
	return fstest.MapFS{
		"s/cases.yaml":       {Data: []byte(scenario)},
		"r/hr-eligible.json": {Data: ref},
		"r/kids.json":        {Data: kids},
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name   string
		set    string
		expect string
	}{
		{name: "an enumeration", set: "subject.mentalHealth: unmanaged", expect: "{decision: ineligible, failed: [mental-health-manageable]}"},
		{name: "a list item's answer", set: "victims[0].consentsToContact: false\n      victims[0].wantsUpdates: false",
			expect: "{actions: [establish-staff-risk-plan]}"},
		{name: "null clears an answer", set: "subject.currentOrder: null", expect: "{decision: incomplete, missing: [subject.currentOrder]}"},
		{name: "a whole object", set: "riskAssessment: {instrument: dash-27, score: 20}",
			expect: "{actions: [marac-referral, victim-link-worker-contact, victim-updates, establish-staff-risk-plan]}"},
		{name: "a field of an absent object is created", set: "riskToStaff.present: false",
			expect: "{actions: [victim-link-worker-contact, victim-updates]}"},
		{name: "a whole list", set: "children: [{livesWithSubject: true}, {livesWithSubject: false}]",
			expect: "{actions: [children-safeguarding, victim-link-worker-contact, victim-updates, establish-staff-risk-plan]}"},
		{name: "a date", set: "dateSent: 2021-11-01\n      riskAssessment.completedOn: 2021-10-29\n      subject.acceptsResponsibility: none", expect: "{decision: ineligible, programmes: []}"},
		{name: "clearing a required answer makes the referral invalid", set: "id: null", expect: "{decision: invalid}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "cases:\n  - name: case\n    referral: ../r/hr-eligible.json\n    set:\n      " + tt.set + "\n    expect: " + tt.expect + "\n"
			f, err := scenario.Load(mapFS(t, src), "s/cases.yaml")
			require.NoError(t, err)
			res := f.Cases[0].Run(context.Background())
			var b strings.Builder
			require.NoError(t, res.WriteText(&b))
			assert.True(t, res.Passed(), b.String())
		})
	}
}

func TestSetDoesNotChangeOtherCases(t *testing.T) {
	src := `cases:
  - name: changed
    referral: ../r/hr-eligible.json
    set: {subject.mentalHealth: unmanaged}
    expect: {decision: ineligible}
  - name: unchanged
    referral: ../r/hr-eligible.json
    expect: {decision: eligible}
`
	f, err := scenario.Load(mapFS(t, src), "s/cases.yaml")
	require.NoError(t, err)
	for _, c := range f.Cases {
		assert.True(t, c.Run(context.Background()).Passed(), c.Name)
	}
}

func TestPackByPath(t *testing.T) {
	fsys := mapFS(t, "pack: ../pack\ncases:\n  - name: c\n    referral: ../r/hr-eligible.json\n    expect: {decision: eligible, programmes: [healthy-relationships]}\n")
	for _, name := range []string{"pack.yaml", "eligibility.yaml", "programmes.yaml", "safeguarding.yaml"} {
		data, err := os.ReadFile(filepath.Join("../rules/kent/2022-08", name))
		require.NoError(t, err)
		if name == "programmes.yaml" {
			// The draft drops DA Groupwork.
			i := strings.Index(string(data), "  - id: da-groupwork")
			j := strings.Index(string(data), "  - id: early-response")
			require.True(t, i > 0 && j > i)
			data = append(data[:i:i], data[j:]...)
		}
		fsys["pack/"+name] = &fstest.MapFile{Data: data}
	}
	f, err := scenario.Load(fsys, "s/cases.yaml")
	require.NoError(t, err)
	assert.Equal(t, "kent", f.Pack.Name())
	assert.NotSame(t, pathway.Default(), f.Pack)
	res := f.Cases[0].Run(context.Background())
	assert.True(t, res.Passed(), "%+v", res.Mismatches)
}

func TestWithPackServesNamedPacks(t *testing.T) {
	src := "pack: kent\ncases:\n  - name: c\n    referral: ../r/hr-eligible.json\n    expect: {decision: eligible}\n"
	f, err := scenario.Load(mapFS(t, src), "s/cases.yaml", scenario.WithPack(pathway.Default()))
	require.NoError(t, err)
	assert.Same(t, pathway.Default(), f.Pack)
}

// Coverage counts every evaluation of every rule.
func TestCoverageCounting(t *testing.T) {
	src := `cases:
  - name: eligible
    referral: ../r/hr-eligible.json
    expect: {decision: eligible}
  - name: unmanaged mental health
    referral: ../r/hr-eligible.json
    set: {subject.mentalHealth: unmanaged}
    expect: {decision: ineligible}
  - name: mental health not answered
    referral: ../r/hr-eligible.json
    set: {subject.mentalHealth: null}
    expect: {decision: incomplete}
  - name: two victims, two children
    referral: ../r/kids.json
    expect: {decision: eligible}
`
	f, err := scenario.Load(mapFS(t, src), "s/cases.yaml")
	require.NoError(t, err)
	cov := scenario.NewCoverage()
	results := scenario.Run(context.Background(), []*scenario.File{f}, cov)
	for _, r := range results {
		require.True(t, r.Passed(), r.Case.Name)
	}
	got := map[string]scenario.RuleCoverage{}
	for _, r := range cov.Rules() {
		got[r.Version+" "+r.ID] = r
	}
	tests := []struct {
		rule                string
		pass, fail, unknown int
		covered             bool
	}{
		{rule: "2022-08 mental-health-manageable", pass: 2, fail: 1, unknown: 1, covered: true},
		{rule: "2022-08 accepts-responsibility", pass: 4, covered: false},
		{rule: "2022-08 healthy-relationships", pass: 4, covered: false},
		{rule: "2022-08 cobi", fail: 4, covered: false},
		// One evaluation per victim: 1 + 1 + 1 + 2, of whom one declines.
		{rule: "2022-08 victim-link-worker-contact", pass: 4, fail: 1, covered: true},
		// Per child; a referral without children counts one fail.
		{rule: "2022-08 children-safeguarding", pass: 2, fail: 3, covered: true},
		// None of them answers the risk-to-staff question.
		{rule: "2022-08 staff-risk-plan", unknown: 4, covered: false},
		{rule: "2021-09 mental-health-manageable", covered: false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r, ok := got[tt.rule]
			require.True(t, ok)
			assert.Equal(t, [3]int{tt.pass, tt.fail, tt.unknown}, [3]int{r.Pass, r.Fail, r.Unknown})
			assert.Equal(t, tt.covered, r.Covered())
		})
	}
	covered := 0
	for _, r := range cov.Rules() {
		if r.Covered() {
			covered++
		}
	}
	assert.InDelta(t, 100*float64(covered)/35, cov.Percent(), 1e-9)
	assert.Len(t, cov.Uncovered(), 35-covered)
	var b strings.Builder
	require.NoError(t, cov.WriteText(&b))
	assert.Contains(t, b.String(), "kent  2022-08  criterion  2     1     1        yes      Mental health is, or can be, managed (mental-health-manageable)\n")
}

func TestFind(t *testing.T) {
	names, err := scenario.Find(os.DirFS(".."), "scenarios/kent")
	require.NoError(t, err)
	assert.Contains(t, names, "scenarios/kent/actions.yaml")
	_, err = scenario.Find(os.DirFS(".."), "scenarios/nothing-here")
	assert.Error(t, err)
}

func TestSchemaIsJSON(t *testing.T) {
	data, err := scenario.Schema()
	require.NoError(t, err)
	assert.Contains(t, string(data), `"$ref": "#/$defs/referral.Victim"`)
}
