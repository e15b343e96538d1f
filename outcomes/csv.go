package outcomes

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes the report as CSV with the header
// period,from,to,id,title,unit,value. Each row stands alone: first the
// metrics for the period, then the breakdowns (id "withdrawal-reasons:REASON"
// and "programmes:PROGRAMME:METRIC"), then each quarter's counts with the
// quarter in the period columns. A metric with no value has an empty value.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := func(p Period, id, title, unit, value string) {
		_ = cw.Write([]string{p.Label, p.From.String(), p.To.String(), id, title, unit, value})
	}
	_ = cw.Write([]string{"period", "from", "to", "id", "title", "unit", "value"})
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
				id, title := bd.ID+":"+br.Key, bd.Title+": "+br.Key
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
