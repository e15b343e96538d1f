package outcomes

import (
	"encoding/csv"
	"io"
	"strconv"
)

// csvHeader is the report CSV's header row.
var csvHeader = []string{"period", "from", "to", "id", "title", "unit", "value", "pack", "pack_version", "pack_digest", "engine", "generated"}

// WriteCSV writes the report as CSV with the header
// period,from,to,id,title,unit,value,pack,pack_version,pack_digest,engine,generated.
// Each row stands alone: first the metrics for the period, then the
// breakdowns (id "withdrawal-reasons:REASON" and
// "programmes:PROGRAMME:METRIC"), then each quarter's counts with the
// quarter in the period columns; every row ends with what made the report.
// A metric with no value has an empty value.
//
// A cell that a spreadsheet would take for a formula (it starts with =, +,
// -, @, a tab or a carriage return) is written with a single quote before
// it, unless it is a plain number such as -61.0.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	var pack, version, digest string
	if r.Pack != nil {
		pack, version, digest = r.Pack.Name, r.Pack.Version, r.Pack.Digest
	}
	generated := ""
	if !r.Generated.IsZero() {
		generated = r.Generated.String()
	}
	row := func(p Period, id, title, unit, value string) {
		cells := []string{p.Label, p.From.String(), p.To.String(), id, title, unit, value, pack, version, digest, r.Engine, generated}
		for i, c := range cells {
			cells[i] = csvSafe(c)
		}
		_ = cw.Write(cells)
	}
	_ = cw.Write(csvHeader)
	csvValue := func(f Figure) string {
		if f.Value == nil {
			return ""
		}
		return valueText(f)
	}
	for _, f := range r.Metrics {
		row(r.Period, f.ID, f.Title, f.Unit, csvValue(f))
	}
	for _, bd := range r.Breakdowns {
		for _, br := range bd.Rows {
			for i, c := range bd.Columns {
				id, title := bd.ID+":"+br.Key, bd.Title+": "+br.name()
				if len(bd.Columns) > 1 {
					id += ":" + c
					title += ": " + columnTitle(c)
				}
				row(r.Period, id, title, UnitCount, strconv.FormatInt(br.Values[i], 10))
			}
		}
	}
	for _, q := range r.Quarters {
		for _, f := range q.Metrics {
			row(q.Period, f.ID, f.Title, f.Unit, csvValue(f))
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe neutralises a cell a spreadsheet would run as a formula by
// putting a single quote before it. A plain number (-61.0, +3) is left as
// it is, so that it stays a number.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isPlainNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// isPlainNumber reports whether s is a decimal number: an optional sign,
// digits, and an optional decimal part.
func isPlainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}
