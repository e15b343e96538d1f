package outcomes

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the report as a Markdown document: the figures, the
// breakdowns, the quarters and what each metric counts.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# Outcomes report: %s\n\n", mdEscape(r.Period.Label))
	fmt.Fprintf(b, "Period: %s. An event counts in the period when its date falls in it.\n\n", periodText(r.Period))
	b.WriteString("## Figures\n\n| Metric | Id | Value |\n|---|---|---:|\n")
	for _, f := range r.Metrics {
		fmt.Fprintf(b, "| %s | `%s` | %s |\n", mdEscape(f.Title), f.ID, valueWithUnit(f))
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
			cells := []string{mdEscape(row.Key)}
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
			fmt.Fprintf(b, "- `%s`: %s\n", f.ID, mdEscape(f.Description))
		}
	}
	b.WriteString("\nn/a means the metric has no data in the period. Percentages and means are rounded to one decimal place.\n")
	return b.Flush()
}

// mdEscape keeps text from breaking a Markdown table.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
