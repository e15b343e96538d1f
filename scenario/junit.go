package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteJUnit writes the results as a JUnit XML report, the format CI
// services (GitLab, Jenkins, Azure DevOps, GitHub test reporters) show test
// results from: a <testsuites> element holding one <testsuite> per scenario
// file, in the order the results come, and in it one <testcase> per case,
// named by the case, with the file as its classname, and the file and
// line of the case.
//
// A case whose expectations did not hold has a <failure> whose message
// says, on one line, what was expected and what came, and whose text is
// the failure as WriteText writes it (rules, programmes and actions by
// their titles). A case that could not be assessed has an <error> that
// says why. Times are in seconds.
//
// Everything is escaped as XML requires (the failure's text is a CDATA
// section, split where it holds "]]>"), and a character XML cannot hold (a
// control character from a case's name, say) is replaced by U+FFFD: the
// report is always well-formed. Like WriteText, it never holds a personal
// value.
func WriteJUnit(w io.Writer, results []*Result) error {
	report := junitSuites{Name: "pathway test"}
	var suite *junitSuite
	for _, r := range results {
		file := r.Case.File
		if suite == nil || suite.Name != file {
			report.Suites = append(report.Suites, junitSuite{Name: file})
			suite = &report.Suites[len(report.Suites)-1]
		}
		tc := junitCase{Name: r.Case.Name, Classname: file, File: file, Line: r.Case.Line, Time: seconds(r.Duration)}
		var text strings.Builder
		if err := r.WriteText(&text); err != nil {
			return err
		}
		switch {
		case r.Err != nil:
			tc.Error = &junitProblem{Type: "not-assessed", Message: "cannot assess: " + r.Err.Error(), Text: xmlChars(text.String())}
			suite.Errors++
		case !r.Passed():
			tc.Failure = &junitProblem{Type: "mismatch", Message: r.mismatchLine(), Text: xmlChars(text.String())}
			suite.Failures++
		}
		suite.Tests++
		suite.duration += r.Duration
		suite.Cases = append(suite.Cases, tc)
	}
	var total time.Duration
	for i := range report.Suites {
		s := &report.Suites[i]
		s.Time = seconds(s.duration)
		total += s.duration
		report.Tests += s.Tests
		report.Failures += s.Failures
		report.Errors += s.Errors
	}
	report.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(report); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// mismatchLine says on one line what was expected and what came, field by
// field: "decision: expected eligible, got ineligible; failed: expected
// [a], got [b]".
func (r *Result) mismatchLine() string {
	parts := make([]string, 0, len(r.Mismatches))
	for _, m := range r.Mismatches {
		if m.Field == "decision" {
			parts = append(parts, fmt.Sprintf("decision: expected %s, got %s", m.Expected[0], m.Got[0]))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: expected [%s], got [%s]", m.Field, strings.Join(m.Expected, ", "), strings.Join(m.Got, ", ")))
	}
	return strings.Join(parts, "; ")
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// xmlChars replaces each character XML 1.0 cannot hold with U+FFFD: a CDATA
// section is written as it is.
func xmlChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t', r == '\n', r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`

	duration time.Duration
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}
