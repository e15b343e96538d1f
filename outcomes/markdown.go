package outcomes

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the report as a Markdown document for people: what
// made it (the pack version and digest, the engine version and the date),
// the figures, the breakdowns and the quarters by their titles, and what
// each figure counts. Ids appear only in the JSON and CSV forms. Text from
// the pack is escaped, so that it cannot add links, images or markup.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# Outcomes report: %s\n\n", mdEscape(r.Period.Label))
	fmt.Fprintf(b, "Period: %s. An event counts in the period when its date falls in it.\n\n", periodText(r.Period))
	fmt.Fprintf(b, "%s\n\n", mdEscape(r.provenance()))
	b.WriteString("## Figures\n\n| Figure | Value |\n|---|---:|\n")
	for _, f := range r.Metrics {
		fmt.Fprintf(b, "| %s | %s |\n", mdEscape(f.Title), valueWithUnit(f))
	}
	for _, bd := range r.Breakdowns {
		fmt.Fprintf(b, "\n## %s\n\n", mdEscape(bd.Title))
		if len(bd.Rows) == 0 {
			b.WriteString("None in the period.\n")
			continue
		}
		heads := []string{capitalise(bd.Key)}
		align := []string{"---"}
		for _, c := range bd.Columns {
			heads = append(heads, columnTitle(c))
			align = append(align, "---:")
		}
		fmt.Fprintf(b, "| %s |\n|%s|\n", strings.Join(heads, " | "), strings.Join(align, "|"))
		for _, row := range bd.Rows {
			cells := []string{mdEscape(row.name())}
			for _, v := range row.Values {
				cells = append(cells, fmt.Sprint(v))
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	if len(r.Quarters) > 0 {
		b.WriteString("\n## By quarter\n\n| Quarter | From | To |")
		for _, f := range r.Quarters[0].Metrics {
			fmt.Fprintf(b, " %s |", shortTitle(f.ID))
		}
		b.WriteString("\n|---|---|---|")
		for range r.Quarters[0].Metrics {
			b.WriteString("---:|")
		}
		b.WriteString("\n")
		for _, q := range r.Quarters {
			fmt.Fprintf(b, "| %s | %s | %s |", mdEscape(q.Period.Label), q.Period.From, q.Period.To)
			for _, f := range q.Metrics {
				fmt.Fprintf(b, " %s |", valueText(f))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## What the figures count\n\n")
	for _, f := range r.Metrics {
		if f.Description != "" {
			fmt.Fprintf(b, "- **%s**: %s\n", mdEscape(f.Title), mdEscape(f.Description))
		}
	}
	b.WriteString("\nn/a means the figure has no data in the period. Percentages and means are rounded to one decimal place. This report holds counts only, no case ids or personal details.\n")
	return b.Flush()
}

// mdSpecial are the characters that could make Markdown (or the HTML it
// may hold) out of text: emphasis, code, links and images, tables,
// strikethrough, tags and entities.
const mdSpecial = "\\`*_[]<>|~&!#"

// mdEscape makes s plain text in Markdown: every character with a meaning
// is escaped with a backslash, and line breaks become spaces, so that text
// from a pack cannot add a link, an image, markup or a table cell.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			// control characters are dropped
		case r < 0x80 && strings.ContainsRune(mdSpecial, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
