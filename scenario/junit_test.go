package scenario_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/internal/leakcheck"
	"github.com/saferpath/pathway/scenario"
)

// junitReport is what a CI service reads of a JUnit report.
type junitReport struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Line      int    `xml:"line,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// wellFormed reads every token of an XML document: a document that is not
// well-formed fails.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, "the report is not well-formed XML:\n%s", doc)
	}
}

var times = regexp.MustCompile(`time="[0-9.]+"`)

func TestWriteJUnit(t *testing.T) {
	files, err := scenario.LoadAll(os.DirFS(".."), []string{"scenario/testdata/failing/cases.yaml", "scenarios/kent/versions.yaml"})
	require.NoError(t, err)
	results := scenario.Run(context.Background(), files, nil)
	var b bytes.Buffer
	require.NoError(t, scenario.WriteJUnit(&b, results))
	wellFormed(t, b.Bytes())
	golden.Check(t, filepath.Join("testdata", "failing", "cases.junit.golden"), times.ReplaceAll(b.Bytes(), []byte(`time="0.000"`)))

	var rep junitReport
	require.NoError(t, xml.Unmarshal(b.Bytes(), &rep))
	assert.Equal(t, 13, rep.Tests)
	assert.Equal(t, 3, rep.Failures)
	assert.Equal(t, 1, rep.Errors)
	require.Len(t, rep.Suites, 2, "a testsuite per scenario file")
	for i, file := range []string{"scenario/testdata/failing/cases.yaml", "scenarios/kent/versions.yaml"} {
		s := rep.Suites[i]
		assert.Equal(t, file, s.Name)
		assert.Len(t, s.Cases, s.Tests)
		for _, c := range s.Cases {
			assert.Equal(t, file, c.Classname, "the classname is the file")
			assert.NotZero(t, c.Line)
			assert.Regexp(t, `^\d+\.\d{3}$`, c.Time)
		}
	}
	cases := rep.Suites[0].Cases
	tests := []struct {
		name, failure, error string
	}{
		{name: "passes"},
		{name: "wrong decision and sets", failure: "decision: expected eligible, got ineligible; failed: expected [substance-misuse-manageable], got [mental-health-manageable]; " +
			"programmes: expected [healthy-relationships], got []; actions: expected [establish-staff-risk-plan, victim-link-worker-contact], got [establish-staff-risk-plan]"},
		{name: "unknowns and missing answers", failure: "missing: expected [subject.nextCourtDate], got [subject.likelyOrder, subject.nextCourtDate]"},
		{name: "an invalid referral says why", failure: "decision: expected eligible, got invalid"},
		{name: "no version in force", error: `cannot assess: no version of pack "kent" is in force on 2030-01-01`},
	}
	require.Len(t, cases, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cases[i]
			assert.Equal(t, tt.name, c.Name)
			if tt.failure == "" {
				assert.Nil(t, c.Failure)
			} else {
				require.NotNil(t, c.Failure)
				assert.Equal(t, tt.failure, c.Failure.Message)
				assert.Contains(t, c.Failure.Text, "FAIL scenario/testdata/failing/cases.yaml:")
			}
			if tt.error == "" {
				assert.Nil(t, c.Error)
			} else {
				require.NotNil(t, c.Error)
				assert.True(t, strings.HasPrefix(c.Error.Message, tt.error), c.Error.Message)
			}
		})
	}
	assert.Contains(t, cases[1].Failure.Text, "missing: Substance misuse is, or can be, managed (substance-misuse-manageable)",
		"the failure's text names rules by their titles")
	// The examples' addresses read "Not shared: held by the victim
	// service", and an inline victim is called "A Victim": words the pack's
	// own texts use, not personal values.
	ordinary := func(v string) bool { return strings.EqualFold(v, "victim") || strings.EqualFold(v, "service") }
	for _, f := range files {
		for _, c := range f.Cases {
			if r := c.Referral(); r != nil {
				values := slices.DeleteFunc(leakcheck.Values(r), ordinary)
				assert.Empty(t, leakcheck.Find(b.String(), values), "a personal value in the report")
			}
		}
	}
}

// Whatever a case is called, and whatever its failure says, the report is
// well-formed and says it back: markup, quotes, the end of a CDATA section,
// line breaks and control characters.
func TestWriteJUnitEscapes(t *testing.T) {
	tests := []struct {
		name, caseName, file, want string
	}{
		{"markup", `<b>bold</b> & "quoted" 'single'`, "a.yaml", `<b>bold</b> & "quoted" 'single'`},
		{"the end of a CDATA section", "ends ]]> here", "b.yaml", "ends ]]> here"},
		{"control characters", "bell\a esc\x1b[2J nul\x00", "c.yaml", "bell\uFFFD esc\uFFFD[2J nul\uFFFD"},
		{"line breaks", "two\nlines", "d.yaml", "two\nlines"},
		{"a file name with markup", "plain", "<x>&.yaml", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &scenario.Result{Case: &scenario.Case{Name: tt.caseName, File: tt.file, Line: 3},
				Mismatches: []scenario.Mismatch{{Field: "failed", Expected: []string{"a]]>b"}, Got: []string{"<c>"}, Missing: []string{"a]]>b"}, Unexpected: []string{"<c>"}}}}
			var b bytes.Buffer
			require.NoError(t, scenario.WriteJUnit(&b, []*scenario.Result{res}))
			wellFormed(t, b.Bytes())
			var rep junitReport
			require.NoError(t, xml.Unmarshal(b.Bytes(), &rep))
			require.Len(t, rep.Suites, 1)
			assert.Equal(t, tt.file, rep.Suites[0].Name)
			c := rep.Suites[0].Cases[0]
			assert.Equal(t, tt.want, c.Name)
			assert.Equal(t, tt.file, c.Classname)
			require.NotNil(t, c.Failure)
			assert.Equal(t, "failed: expected [a]]>b], got [<c>]", c.Failure.Message)
			assert.Contains(t, c.Failure.Text, "missing: a]]>b")
		})
	}
}

func TestWriteJUnitNoResults(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, scenario.WriteJUnit(&b, nil))
	wellFormed(t, b.Bytes())
	var rep junitReport
	require.NoError(t, xml.Unmarshal(b.Bytes(), &rep))
	assert.Zero(t, rep.Tests)
	assert.Empty(t, rep.Suites)
}
