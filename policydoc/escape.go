package policydoc

import (
	"strings"
	"unicode"
)

// Everything a rule pack supplies (titles, descriptions, sources, reasons,
// ids, conditions) reaches the document escaped, so that no pack can add a
// heading, a link, an image, HTML or a table cell of its own: Markdown
// punctuation is escaped with a backslash, text that must stay on one line
// has its line breaks turned into spaces, and code is fenced with more
// backticks than it holds.

// special are the characters escaped wherever they are: they start
// emphasis, code, links, images, HTML, autolinks and table cells.
const special = "\\`*_[]<>|"

// escapeLine escapes one line of text for Markdown, as a paragraph's
// continuation: the special characters everywhere.
func escapeLine(s string) string {
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine turns every line break of s into a space.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\u2028\u2029") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
	}), " ")
}

// inline escapes pack-supplied text written inside a line of Markdown: a
// heading, a list item, bold text.
func inline(s string) string { return escapeLine(oneLine(strings.TrimSpace(s))) }

// cell escapes pack-supplied text for a table cell: on one line, with its
// pipes escaped, so it stays in its cell.
func cell(s string) string { return inline(s) }

// para escapes pack-supplied text written as paragraphs, keeping its line
// breaks: each line is escaped, without the spaces that would make it
// code, and with what would start a heading, a quote, a list, a rule or a
// fence at the start of a line escaped.
func para(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = blockStart(escapeLine(strings.TrimLeft(l, " \t")))
	}
	return strings.Join(lines, "\n")
}

// blockStart escapes the character that would make line the start of a
// block: an ATX heading (#), a list item or thematic break (-, +), a
// setext underline (=), a fence (~), or an ordered list item (1. or 1)).
// The characters escaped everywhere (*, >, `, <, |) are already escaped.
func blockStart(line string) string {
	if line == "" {
		return line
	}
	switch line[0] {
	case '#', '-', '+', '=', '~':
		return "\\" + line
	}
	i := 0
	for i < len(line) && i < 9 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && i < len(line) && (line[i] == '.' || line[i] == ')') {
		return line[:i] + "\\" + line[i:]
	}
	return line
}

// code writes s as an inline code span, with a run of backticks longer
// than any in s, on one line.
func code(s string) string {
	s = oneLine(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cellCode is code for a table cell: its pipes are escaped, which a table
// needs even inside code.
func cellCode(s string) string { return strings.ReplaceAll(code(s), "|", `\|`) }

// fenced writes s as a fenced code block, with a fence longer than any run
// of backticks in s, followed by a blank line.
func fenced(s string) string {
	s = strings.TrimSpace(s)
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + "\n" + s + "\n" + fence + "\n"
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := range len(s) {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// anchor is the anchor GitHub makes for a heading reading text: lower
// case, spaces as hyphens, and nothing but letters, digits, hyphens and
// underscores, so that it is safe as a link's destination.
func anchor(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
