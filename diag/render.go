package diag

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text writes the list for people: each problem with its location, the
// source line with a caret under the range, and the detail. It returns the
// first write error.
func (l List) Text(w io.Writer) error {
	for i, d := range l {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, d.Text()); err != nil {
			return err
		}
	}
	return nil
}

// WriteCompact writes the list one problem a line.
func (l List) WriteCompact(w io.Writer) error {
	for _, d := range l {
		if _, err := fmt.Fprintln(w, d.Compact()); err != nil {
			return err
		}
	}
	return nil
}

// Text renders d for people:
//
//	Error: Unknown key "mentalHelth" [unknown-key]
//
//	  on rules/kent/2022-08/eligibility.yaml line 12, column 5:
//	    12 |     mentalHelth: none
//	       |     ^^^^^^^^^^^
//
//	There is no key "mentalHelth" here. Did you mean "mentalHealth"?
func (d *Diagnostic) Text() string {
	var b strings.Builder
	sev := d.Severity.String()
	fmt.Fprintf(&b, "%s%s: %s", strings.ToUpper(sev[:1]), sev[1:], d.Summary)
	if d.Code != "" {
		fmt.Fprintf(&b, " [%s]", d.Code)
	}
	b.WriteString("\n")
	switch {
	case !d.Range.Start.IsZero():
		b.WriteString("\n  on ")
		if d.Range.File != "" {
			b.WriteString(d.Range.File)
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "line %d, column %d", d.Range.Start.Line, d.Range.Start.Column)
		if d.Path != "" {
			fmt.Fprintf(&b, " (%s)", d.Path)
		}
		b.WriteString(":\n")
		if d.Excerpt != "" {
			b.WriteString(snippet(d.Excerpt, d.Range))
		}
	case d.Range.File != "" || d.Path != "":
		b.WriteString("\n  in ")
		b.WriteString(strings.TrimSpace(d.Range.File + " " + d.Path))
		b.WriteString("\n")
	}
	if d.Detail != "" {
		b.WriteString("\n")
		b.WriteString(d.Detail)
		b.WriteString("\n")
	}
	return b.String()
}

// maxSnippet is the widest stretch of a line a snippet shows.
const maxSnippet = 100

// snippet draws the excerpt line with its number and a caret line.
func snippet(excerpt string, r Range) string {
	line := strings.TrimRight(strings.ReplaceAll(excerpt, "\t", " "), "\r\n")
	num := fmt.Sprint(r.Start.Line)
	pad := strings.Repeat(" ", len(num))
	width := 1
	if r.End.Line == r.Start.Line && r.End.Column > r.Start.Column {
		width = r.End.Column - r.Start.Column
	}
	start := r.Start.Column - 1
	if runes := []rune(line); len(runes) > maxSnippet {
		// Show a window of the line around the range.
		from := max(0, min(start-maxSnippet/2, len(runes)-maxSnippet))
		line = "…" + string(runes[from:from+maxSnippet]) + "…"
		start = start - from + 1
		width = min(width, maxSnippet)
	}
	n := utf8.RuneCountInString(line)
	if start > n {
		start = n
	}
	if start+width > n && n > start {
		width = n - start
	}
	if width < 1 {
		width = 1
	}
	return fmt.Sprintf("    %s | %s\n    %s | %s%s\n", num, line, pad, strings.Repeat(" ", start), strings.Repeat("^", width))
}

// Excerpt returns line number line (from 1) of src, without its line end, or
// "" when src has no such line. Loaders use it to fill Diagnostic.Excerpt.
func Excerpt(src []byte, line int) string {
	if line < 1 {
		return ""
	}
	s := string(src)
	for i := 1; i < line; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimRight(s, "\r")
}

// GCC renders d on one line as GCC does, for editors that read compiler
// output: "file:line:col: error: summary. detail [code]". VS Code's $gcc
// problem matcher, Vim's and Emacs's compilation modes read it. The JSON
// path is left out: the line and column say where the problem is. A
// problem with a file but no position is placed at line 1, column 1; a
// problem with no file at all has no place, and begins "pathway: " (which
// no matcher takes for a file name). Line breaks in the summary and detail
// become spaces.
func (d *Diagnostic) GCC() string {
	var b strings.Builder
	switch {
	case d.Range.File == "":
		b.WriteString("pathway")
	case d.Range.Start.IsZero():
		fmt.Fprintf(&b, "%s:1:1", d.Range.File)
	default:
		fmt.Fprintf(&b, "%s:%d:%d", d.Range.File, d.Range.Start.Line, max(d.Range.Start.Column, 1))
	}
	fmt.Fprintf(&b, ": %s: %s", d.Severity, oneLine(d))
	if d.Code != "" {
		fmt.Fprintf(&b, " [%s]", d.Code)
	}
	return b.String()
}

// WriteGCC writes the list one problem a line, as GCC does (see
// Diagnostic.GCC).
func (l List) WriteGCC(w io.Writer) error {
	for _, d := range l {
		if _, err := fmt.Fprintln(w, d.GCC()); err != nil {
			return err
		}
	}
	return nil
}
