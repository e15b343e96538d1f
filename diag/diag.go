// Package diag holds Pathway's diagnostics: one problem in a referral, a rule
// file, a scenario file or an event log, with where it is and what to do about it.
//
// A Diagnostic has a severity, a stable code, a one-line summary, a detail
// written in sentences that ends with what to do, the exact range in a file
// (when there is a file) and the JSON path (when there is one). Problems are
// collected into a List, which is also an error: every non-nil error returned
// by Pathway's loaders and decoders can be type-asserted (or errors.As'd) to
// a List.
//
// Messages are written for the people who fix the input (referrers, policy
// staff, testers). They never name a Go type, and they never repeat a
// personal value from a referral.
package diag

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Severity says how serious a problem is.
type Severity int

const (
	// Error means the input cannot be used as it is.
	Error Severity = iota
	// Warning means the input can be used but probably does not say what
	// its author meant.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("severity %q is not error or warning", b)
	}
	return nil
}

// Pos is a position in a file. Line and Column count from 1; Column counts
// characters (runes), not bytes. The zero Pos means "no position".
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// IsZero reports whether p is the zero position.
func (p Pos) IsZero() bool { return p.Line == 0 }

// Range is a stretch of a file. End is exclusive; a zero End means the range
// covers a single point.
type Range struct {
	File  string `json:"file,omitempty"`
	Start Pos    `json:"start"`
	End   Pos    `json:"end"`
}

// IsZero reports whether r names neither a file nor a position.
func (r Range) IsZero() bool { return r.File == "" && r.Start.IsZero() }

// String formats the range as file:line:col, file:line:col or file, leaving
// out what it does not have.
func (r Range) String() string {
	switch {
	case r.Start.IsZero():
		return r.File
	case r.File == "":
		return fmt.Sprintf("%d:%d", r.Start.Line, r.Start.Column)
	default:
		return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
	}
}

// Diagnostic is one problem.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Code is stable: partner systems and tests match on it.
	Code string `json:"code"`
	// Summary is one line, without a full stop.
	Summary string `json:"summary"`
	// Detail is one or more sentences; the last says what to do.
	Detail string `json:"detail,omitempty"`
	// Path is the JSON path of the value concerned, in the input's own
	// names (victims[1].reasonNotKnown), when there is one.
	Path string `json:"path,omitempty"`
	// Range is where the problem is, when the input came from a file.
	Range Range `json:"range,omitzero"`
	// Excerpt is the source line the range starts on, for the snippet.
	Excerpt string `json:"excerpt,omitempty"`
}

// Error makes a single Diagnostic usable as an error; it renders compactly.
func (d *Diagnostic) Error() string { return d.Compact() }

// Compact renders d on one line: "file:line:col: error: summary [code]",
// with the JSON path after the location when there is one.
func (d *Diagnostic) Compact() string {
	var b strings.Builder
	loc := d.Range.String()
	if loc != "" {
		b.WriteString(loc)
		b.WriteString(": ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Summary)
	if d.Code != "" {
		b.WriteString(" [")
		b.WriteString(d.Code)
		b.WriteString("]")
	}
	return b.String()
}

// List is a set of problems. A non-empty List is an error; use Err to turn a
// possibly empty List into a nil error.
type List []*Diagnostic

// Error renders the list compactly, one problem a line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.Compact()
	}
	return strings.Join(lines, "\n")
}

// Err returns l as an error, or nil when it holds no error-severity problem.
func (l List) Err() error {
	if l.HasErrors() {
		return l
	}
	return nil
}

// HasErrors reports whether any problem in l is an Error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d *Diagnostic) bool { return d.Severity == Error })
}

// Sort orders the list by file, line, column, path and code, so that output
// is stable whatever order the problems were found in.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b *Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Column, b.Range.Start.Column),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Code, b.Code),
		)
	})
}

// From extracts the problems carried by err: a List, a *Diagnostic, or
// anything wrapping one. Any other non-nil error becomes a single problem
// with code "error".
func From(err error) List {
	if err == nil {
		return nil
	}
	var l List
	if errors.As(err, &l) {
		return l
	}
	var d *Diagnostic
	if errors.As(err, &d) {
		return List{d}
	}
	return List{{Severity: Error, Code: "error", Summary: err.Error()}}
}
