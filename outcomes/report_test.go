package outcomes

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/referral"
)

// compute runs a report over log for period, failing on any error.
func compute(t *testing.T, log string, period string, opts ...Option) *Report {
	t.Helper()
	p, err := ParsePeriod(period)
	require.NoError(t, err)
	r, problems := Compute("events.jsonl", strings.NewReader(log), p, opts...)
	require.False(t, problems.HasErrors(), "%v", problems)
	require.NotNil(t, r)
	return r
}

func value(t *testing.T, r *Report, id string) *float64 {
	t.Helper()
	f, ok := r.Metric(id)
	require.True(t, ok, "no metric %s", id)
	return f.Value
}

// story is one case through to completion with victims and scores.
func story(c, referred string, end string) []string {
	d := referral.MustDate(referred)
	day := func(n int) string { return d.AddDays(n).String() }
	out := []string{
		c + " referred " + day(0),
		c + " victim-supported " + day(1) + ` "victims": 2, "children": 1`,
		c + " assessed " + day(2),
		c + " allocated " + day(3) + ` "programme": "cobi"`,
		c + " started " + day(4),
		c + " score " + day(4) + ` "instrument": "mirabel", "phase": "pre", "value": 40`,
		c + " session-attended " + day(5),
		c + " session-attended " + day(6),
	}
	switch end {
	case "completed":
		out = append(out, c+" completed "+day(7), c+" score "+day(7)+` "instrument": "mirabel", "phase": "post", "value": 10`)
	case "partially-completed":
		out = append(out, c+" partially-completed "+day(7))
	case "withdrawn":
		out = append(out, c+" withdrawn "+day(7)+` "reason": "disengaged"`)
	}
	return append(out, c+" victim-exited "+day(11))
}

func TestMetrics(t *testing.T) {
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	n := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		events []string
		period string
		id     string
		want   *float64
	}{
		{"referrals", join(story("A", "2023-05-01", "completed"), story("B", "2023-06-01", "")), "2023/24", MetricReferrals, n(2)},
		{"referral on 31 March is in the earlier year", story("A", "2023-03-31", ""), "2023/24", MetricReferrals, n(0)},
		{"referral on 1 April is in the new year", story("A", "2023-04-01", ""), "2023/24", MetricReferrals, n(1)},
		{"referral on 31 March ends the year", story("A", "2024-03-31", ""), "2023/24", MetricReferrals, n(1)},
		{"referral on 30 June is in Q1", story("A", "2023-06-30", ""), "2023/24-Q1", MetricReferrals, n(1)},
		{"referral on 1 July is not in Q1", story("A", "2023-07-01", ""), "2023/24-Q1", MetricReferrals, n(0)},
		{"assessments", story("A", "2023-05-01", ""), "2023/24", MetricAssessments, n(1)},
		{"assessment counts in its own quarter", story("A", "2023-06-28", ""), "2023/24-Q2", MetricAssessments, n(0)},
		{"allocations", story("A", "2023-05-01", ""), "2023/24", MetricAllocations, n(1)},
		{"allocation in the next quarter", story("A", "2023-06-28", ""), "2023/24-Q2", MetricAllocations, n(1)},
		{"starts", story("A", "2023-05-01", ""), "2023/24", MetricStarts, n(1)},
		{"completions", join(story("A", "2023-05-01", "completed"), story("B", "2023-05-01", "withdrawn")), "2023/24", MetricCompletions, n(1)},
		{"completion on 1 April counts in the new year", story("A", "2023-03-25", "completed"), "2023/24", MetricCompletions, n(1)},
		{"completion on 1 April is not in the old year", story("A", "2023-03-25", "completed"), "2022/23", MetricCompletions, n(0)},
		{"partial completions", story("A", "2023-05-01", "partially-completed"), "2023/24", MetricPartialCompletions, n(1)},
		{"withdrawals", join(story("A", "2023-05-01", "withdrawn"), story("B", "2023-05-01", "withdrawn")), "2023/24", MetricWithdrawals, n(2)},
		{"sessions attended", join(story("A", "2023-05-01", ""), story("B", "2023-05-01", "")), "2023/24", MetricSessionsAttended, n(4)},
		{"sessions split across quarters", story("A", "2023-06-25", ""), "2023/24-Q1", MetricSessionsAttended, n(1)},
		{"victims supported sums victims", join(story("A", "2023-05-01", ""), story("B", "2023-05-01", "")), "2023/24", MetricVictimsSupported, n(4)},
		{"children supported sums children", join(story("A", "2023-05-01", ""), story("B", "2023-05-01", "")), "2023/24", MetricChildrenSupported, n(2)},
		{"support begun before the period is not counted", story("A", "2023-03-30", ""), "2023/24", MetricVictimsSupported, n(0)},
		{"mean days in service", story("A", "2023-05-01", ""), "2023/24", MetricMeanDaysInService, n(10)},
		{"mean days weights victims", join(story("A", "2023-05-01", ""), []string{
			"B referred 2023-05-01", `B victim-supported 2023-05-01 "victims": 1`, `B victim-supported 2023-05-11 "victims": 3`, "B victim-exited 2023-05-21"}),
			"2023/24", MetricMeanDaysInService, n((2*10 + 20 + 3*10) / 6.0)},
		{"mean days counts exits in the period, support from before it", story("A", "2023-03-25", ""), "2023/24", MetricMeanDaysInService, n(10)},
		{"mean days with no exit in the period", story("A", "2023-03-01", ""), "2023/24", MetricMeanDaysInService, nil},
		{"completion rate", join(story("A", "2023-05-01", "completed"), story("B", "2023-05-01", "partially-completed"), story("C", "2023-05-01", "withdrawn")),
			"2023/24", MetricCompletionRate, n(33.3)},
		{"completion rate with no exits", story("A", "2023-05-01", ""), "2023/24", MetricCompletionRate, nil},
		{"completion rate of all completions", story("A", "2023-05-01", "completed"), "2023/24", MetricCompletionRate, n(100)},
		{"score change", story("A", "2023-05-01", "completed"), "2023/24", "score-change:mirabel", n(-75)},
		{"score change uses means over pairs", join(story("A", "2023-05-01", "completed"), []string{
			"B referred 2023-05-01", `B score 2023-05-02 "instrument": "mirabel", "phase": "pre", "value": 20`, `B score 2023-05-09 "instrument": "mirabel", "phase": "post", "value": 25`,
			"C referred 2023-05-01", `C score 2023-05-02 "instrument": "mirabel", "phase": "pre", "value": 100`}),
			"2023/24", "score-change:mirabel", n(100 * (35.0/2 - 60.0/2) / (60.0 / 2))},
		{"score change counts by the post score's date", story("A", "2023-03-25", "completed"), "2023/24", "score-change:mirabel", n(-75)},
		{"score change with no pairs", story("A", "2023-05-01", ""), "2023/24", "score-change:mirabel", nil},
		{"score change with zero pre scores", []string{
			"B referred 2023-05-01", `B score 2023-05-02 "instrument": "x", "phase": "pre", "value": 0`, `B score 2023-05-09 "instrument": "x", "phase": "post", "value": 3`},
			"2023/24", "score-change:x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compute(t, evs(tt.events...), tt.period)
			got := value(t, r, tt.id)
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.InDelta(t, *tt.want, *got, 0.05)
		})
	}
}

func TestBreakdowns(t *testing.T) {
	log := evs(append(append(story("A", "2023-05-01", "completed"), story("B", "2023-05-01", "withdrawn")...),
		"C referred 2023-05-01", `C withdrawn 2023-05-02 "reason": "declined"`)...)
	r := compute(t, log, "2023/24")
	require.Len(t, r.Breakdowns, 2)
	reasons := map[string]int64{}
	for _, row := range r.Breakdowns[0].Rows {
		reasons[row.Key] = row.Values[0]
	}
	assert.Equal(t, int64(1), reasons["disengaged"])
	assert.Equal(t, int64(1), reasons["declined"])
	assert.Equal(t, int64(0), reasons["custody"])
	assert.Equal(t, []BreakdownRow{
		{Key: "cobi", Values: []int64{2, 2, 4, 1, 0, 1}},
		{Key: NotAllocated, Values: []int64{0, 0, 0, 0, 0, 1}},
	}, r.Breakdowns[1].Rows)
}

// countMeasure counts events of one type in the period, as a pack metric
// with a filter would.
type countMeasure struct {
	p     Period
	typ   Type
	count float64
}

func (m *countMeasure) Observe(e Event, c CaseView) error {
	if m.p.Contains(e.On) && e.Type == m.typ && c.Programme == "cobi" {
		m.count++
	}
	return nil
}

func (m *countMeasure) Value() (float64, bool) { return m.count, true }

func TestWithMetrics(t *testing.T) {
	cobiStarts := Metric{ID: "cobi-starts", Title: "COBI starts", Unit: UnitCount,
		New: func(p Period) Measure { return &countMeasure{p: p, typ: Started} }}
	r := compute(t, evs(story("A", "2023-05-01", "completed")...), "2023/24", WithMetrics(cobiStarts))
	last := r.Metrics[len(r.Metrics)-1]
	assert.Equal(t, "cobi-starts", last.ID)
	assert.Equal(t, 1.0, *last.Value)

	tests := []struct {
		name string
		m    Metric
		want string
	}{
		{"standard id", Metric{ID: MetricReferrals, New: cobiStarts.New}, "has the id of a standard metric"},
		{"score-change id", Metric{ID: "score-change:x", New: cobiStarts.New}, "has the id of a standard metric"},
		{"bad id", Metric{ID: "Cobi Starts", New: cobiStarts.New}, "must be lower-case"},
		{"no New", Metric{ID: "x"}, "has no New function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := ParsePeriod("2023/24")
			r, problems := Compute("e", strings.NewReader(""), p, WithMetrics(tt.m))
			assert.Nil(t, r)
			require.Len(t, problems, 1)
			assert.Contains(t, problems[0].Detail, tt.want)
		})
	}
}

func TestComputeWithholdsReportOnErrors(t *testing.T) {
	p, _ := ParsePeriod("2023/24")
	r, problems := Compute("e", strings.NewReader(evs("A referred 2023-05-01", "A completed 2023-05-02")), p)
	assert.Nil(t, r)
	assert.True(t, problems.HasErrors())

	r, problems = Compute("e", strings.NewReader(evs("A referred 2023-05-01", `A score 2023-05-02 "instrument": "x", "phase": "post", "value": 1`)), p)
	require.NotNil(t, r, "a warning does not withhold the report")
	assert.Len(t, problems, 1)
}

func exampleReport(t *testing.T) *Report {
	t.Helper()
	f, err := os.Open("../examples/events/2023-24.jsonl")
	require.NoError(t, err)
	defer f.Close()
	p, err := ParsePeriod("2023/24")
	require.NoError(t, err)
	r, problems := Compute("examples/events/2023-24.jsonl", f, p)
	require.Empty(t, problems)
	return r
}

// TestExampleEvents checks that the sample log reproduces the published
// 2023/24 figures (DOMAIN.md, outcomes reported).
func TestExampleEvents(t *testing.T) {
	r := exampleReport(t)
	want := []struct {
		id    string
		value float64
	}{
		{MetricReferrals, 51},
		{MetricAssessments, 25},
		{MetricCompletions, 17},
		{MetricPartialCompletions, 3},
		{MetricVictimsSupported, 147},
		{MetricMeanDaysInService, 300},
		{"score-change:mirabel", -61},
	}
	for _, w := range want {
		t.Run(w.id, func(t *testing.T) {
			v := value(t, r, w.id)
			require.NotNil(t, v)
			assert.Equal(t, w.value, *v)
		})
	}
}

// TestExampleEventsUpToDate checks that the sample log is what its
// generator writes.
func TestExampleEventsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	file := filepath.Join(t.TempDir(), "2023-24.jsonl")
	cmd := exec.Command("go", "run", "generate.go", "-o", file)
	cmd.Dir = "../examples/events"
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	want, err := os.ReadFile("../examples/events/2023-24.jsonl")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "examples/events/2023-24.jsonl is stale: run go run generate.go in examples/events")
}

func TestGolden(t *testing.T) {
	r := exampleReport(t)
	for _, f := range []Format{FormatMarkdown, FormatCSV, FormatJSON} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, r.Write(&b, f))
			golden.Check(t, filepath.Join("testdata", "report-2023-24."+string(f)), b.Bytes())
		})
	}
}

// element is a parsed XML element with its attributes and text.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parseHTML parses the page as XML and returns every element.
func parseHTML(t *testing.T, page []byte) []element {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Strict = true
	var out []element
	var stack []int
	for {
		tok, err := dec.Token()
		if err != nil {
			require.ErrorContains(t, err, "EOF")
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			for _, i := range stack {
				out[i].text += string(tok)
			}
		}
	}
	return out
}

func TestHTMLChartsMatchTables(t *testing.T) {
	r := exampleReport(t)
	var b bytes.Buffer
	require.NoError(t, r.WriteHTML(&b))
	page := b.Bytes()
	assert.NotRegexp(t, regexp.MustCompile(`(?i)(src|href)=|<script|@import|url\(`), string(page), "the page must not load anything")

	els := parseHTML(t, page)
	table := map[string]string{}   // metric → value in the figures table
	quarter := map[string]string{} // quarter|metric → value in the quarters table
	funnel := map[string]string{}
	funnelText := map[string]string{}
	trend := map[string]string{}
	var inQuarterRow string
	for _, e := range els {
		switch {
		case e.name == "tr" && e.attrs["data-quarter"] != "":
			inQuarterRow = e.attrs["data-quarter"]
		case e.name == "tr" && e.attrs["data-metric"] != "":
			inQuarterRow = ""
			table[e.attrs["data-metric"]] = strings.TrimSpace(e.text)
		case e.name == "td" && inQuarterRow != "" && e.attrs["data-metric"] != "":
			quarter[inQuarterRow+"|"+e.attrs["data-metric"]] = e.attrs["data-value"]
		case e.name == "rect" && e.attrs["data-quarter"] != "":
			trend[e.attrs["data-quarter"]+"|"+e.attrs["data-metric"]] = e.attrs["data-value"]
		case e.name == "rect" && e.attrs["data-metric"] != "":
			funnel[e.attrs["data-metric"]] = e.attrs["data-value"]
		case e.name == "text" && e.attrs["data-metric"] != "":
			funnelText[e.attrs["data-metric"]] = e.text
		}
	}
	require.Len(t, funnel, len(funnelStages))
	for id, v := range funnel {
		f, ok := r.Metric(id)
		require.True(t, ok)
		assert.Equal(t, strconv.FormatInt(f.Int(), 10), v, "funnel bar %s", id)
		assert.Equal(t, v, funnelText[id], "funnel label %s", id)
		assert.Contains(t, table[id], v, "figures table row %s", id)
	}
	for _, f := range r.Metrics {
		assert.Contains(t, table[f.ID], valueWithUnit(f), "figures table row %s", f.ID)
	}
	require.Len(t, trend, 4*len(trendSeries))
	for key, v := range trend {
		assert.Equal(t, quarter[key], v, "trend bar %s", key)
	}
	assert.Equal(t, "13", trend["2023/24-Q1|referrals"])
	// The bars' heights are in proportion to their values.
	var heights []float64
	for _, e := range els {
		if e.name == "rect" && e.attrs["data-quarter"] != "" && e.attrs["data-value"] != "0" {
			h, _ := strconv.ParseFloat(e.attrs["height"], 64)
			v, _ := strconv.ParseFloat(e.attrs["data-value"], 64)
			heights = append(heights, h/v)
		}
	}
	for _, h := range heights {
		assert.InDelta(t, heights[0], h, 0.1)
	}
}

func TestHTMLEscapes(t *testing.T) {
	p, err := NewPeriod(referral.MustDate("2023-04-01"), referral.MustDate("2023-04-30"))
	require.NoError(t, err)
	r, problems := Compute("e", strings.NewReader(evs(story("A", "2023-04-02", "")...)), p,
		WithMetrics(Metric{ID: "x", Title: `<b>&"x"</b>`, Unit: UnitCount, New: func(p Period) Measure { return &countMeasure{p: p} }}))
	require.Empty(t, problems)
	var b bytes.Buffer
	require.NoError(t, r.WriteHTML(&b))
	assert.NotContains(t, b.String(), "<b>")
	parseHTML(t, b.Bytes())
}
