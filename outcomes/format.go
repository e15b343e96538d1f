package outcomes

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Format is a report's output format.
type Format string

// Report formats.
const (
	FormatMarkdown Format = "md"
	FormatJSON     Format = "json"
	FormatCSV      Format = "csv"
	FormatHTML     Format = "html"
)

// Formats lists the report formats.
func Formats() []Format { return []Format{FormatMarkdown, FormatJSON, FormatCSV, FormatHTML} }

// ParseFormat reads a format name: md, json, csv or html.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, 0, 4)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("%s is not a report format; the formats are %s.%s", shownString(s), diag.Quoted(names), diag.DidYouMean(s, names))
}

// Write writes the report in format f.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case FormatMarkdown:
		return r.WriteMarkdown(w)
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatCSV:
		return r.WriteCSV(w)
	case FormatHTML:
		return r.WriteHTML(w)
	}
	_, err := ParseFormat(string(f))
	return err
}

// WriteJSON writes the report as indented JSON (described in
// docs/reports.md) followed by a line end.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// valueText formats a figure's value without its unit: whole counts, one
// decimal place for the rest, "n/a" for no value.
func valueText(f Figure) string {
	if f.Value == nil {
		return "n/a"
	}
	if f.Unit == UnitCount {
		return strconv.FormatInt(f.Int(), 10)
	}
	return strconv.FormatFloat(*f.Value, 'f', 1, 64)
}

// valueWithUnit formats a value for people: "51", "-61.0%", "300.0 days".
func valueWithUnit(f Figure) string {
	v := valueText(f)
	switch {
	case f.Value == nil, f.Unit == UnitCount, f.Unit == "":
		return v
	case f.Unit == UnitPercent:
		return v + "%"
	}
	return v + " " + f.Unit
}

// longDate writes a date as "1 April 2023".
func longDate(d referral.Date) string { return d.Time().Format("2 January 2006") }

// periodText describes a period for people.
func periodText(p Period) string {
	return fmt.Sprintf("%s to %s, both days included", longDate(p.From), longDate(p.To))
}

// provenance says what made the report, for people: "Made on 29 November
// 2026 by Pathway devel, under rule pack kent version 2022-08 (digest
// sha256:…)." Pack text is not escaped here.
func (r *Report) provenance() string {
	when, engine, pack := r.madeBy()
	return fmt.Sprintf("Made on %s by Pathway %s, %s.", when, engine, pack)
}

// madeBy gives the parts of the provenance: the date, the engine version
// and the pack.
func (r *Report) madeBy() (when, engine, pack string) {
	when = "an unknown date"
	if !r.Generated.IsZero() {
		when = longDate(r.Generated)
	}
	engine = r.Engine
	if engine == "" {
		engine = "devel"
	}
	pack = "under no rule pack"
	if p := r.Pack; p != nil {
		pack = fmt.Sprintf("under rule pack %s version %s (digest %s)", p.Name, p.Version, p.Digest)
	}
	return when, engine, pack
}

// name returns the row's title, or its key when it has none.
func (row BreakdownRow) name() string {
	if row.Title != "" {
		return row.Title
	}
	return row.Key
}

// columnTitle returns the title of a standard metric id, for table heads.
func columnTitle(id string) string {
	for _, m := range standardMetrics {
		if m.ID == id {
			return m.Title
		}
	}
	return id
}

// shortTitle is a column head for a count in narrow tables.
func shortTitle(id string) string {
	switch id {
	case MetricPartialCompletions:
		return "Partial"
	case MetricSessionsAttended:
		return "Sessions"
	}
	s := strings.ReplaceAll(id, "-", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
