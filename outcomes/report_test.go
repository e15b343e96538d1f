package outcomes

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"math"
	"math/rand/v2"
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
		c + " score " + day(4) + ` "instrument": "risk", "phase": "pre", "value": 40`,
		c + " session-attended " + day(5),
		c + " session-attended " + day(6),
	}
	switch end {
	case "completed":
		out = append(out, c+" completed "+day(7), c+" score "+day(7)+` "instrument": "risk", "phase": "post", "value": 10`)
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
		{"completion rate leaves out withdrawals before a start", join(story("A", "2023-05-01", "completed"), []string{
			"B referred 2023-05-01", `B withdrawn 2023-05-02 "reason": "declined"`,
			"C referred 2023-05-01", "C assessed 2023-05-02", `C allocated 2023-05-03 "programme": "cobi"`, `C withdrawn 2023-05-04 "reason": "declined"`}),
			"2023/24", MetricCompletionRate, n(100)},
		{"completion rate counts a withdrawal after a start", join(story("A", "2023-05-01", "completed"), story("B", "2023-05-01", "withdrawn")),
			"2023/24", MetricCompletionRate, n(50)},
		{"completion rate with only withdrawals before a start", []string{"B referred 2023-05-01", `B withdrawn 2023-05-02 "reason": "declined"`},
			"2023/24", MetricCompletionRate, nil},
		{"score change", story("A", "2023-05-01", "completed"), "2023/24", "score-change:risk", n(-75)},
		{"score change uses means over pairs", join(story("A", "2023-05-01", "completed"), []string{
			"B referred 2023-05-01", `B score 2023-05-02 "instrument": "risk", "phase": "pre", "value": 20`, `B score 2023-05-09 "instrument": "risk", "phase": "post", "value": 25`,
			"C referred 2023-05-01", `C score 2023-05-02 "instrument": "risk", "phase": "pre", "value": 100`}),
			"2023/24", "score-change:risk", n(100 * (35.0/2 - 60.0/2) / (60.0 / 2))},
		{"score change counts by the post score's date", story("A", "2023-03-25", "completed"), "2023/24", "score-change:risk", n(-75)},
		{"score change with no pairs", story("A", "2023-05-01", ""), "2023/24", "score-change:risk", nil},
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
		{Key: "cobi", Title: "Cobi", Values: []int64{2, 2, 4, 1, 0, 1}},
		{Key: NotAllocated, Title: "Not allocated to a programme", Values: []int64{0, 0, 0, 0, 0, 1}},
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

// kentDefs reads the kent pack's outcomes.yaml.
func kentDefs(t testing.TB) *Definitions {
	t.Helper()
	data, err := os.ReadFile("../rules/kent/2022-08/outcomes.yaml")
	require.NoError(t, err)
	defs, problems := ReadDefinitions("outcomes.yaml", data)
	require.Empty(t, problems)
	return defs
}

// kentOptions are the options the CLI gives a report under the kent pack,
// with a fixed pack stamp and date so that golden files stay put.
func kentOptions(t testing.TB) []Option {
	t.Helper()
	return append(kentDefs(t).Options(),
		WithProgrammes(map[string]string{"cobi": "COBI", "healthy-relationships": "Healthy Relationships", "da-groupwork": "DA Groupwork", "early-response": "Early Response"}),
		WithPack(PackStamp{Name: "kent", Version: "2022-08", Digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}),
		WithGenerationDate(referral.MustDate("2024-04-15")))
}

// onlyReader hides everything but Read, as a pipe would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// exampleReport computes the 2023/24 report of the sample log under the
// kent pack.
func exampleReport(t *testing.T) *Report {
	t.Helper()
	f, err := os.Open("../examples/events/2023-24.jsonl")
	require.NoError(t, err)
	defer f.Close()
	p, err := ParsePeriod("2023/24")
	require.NoError(t, err)
	r, problems := Compute("examples/events/2023-24.jsonl", f, p, kentOptions(t)...)
	require.Empty(t, problems)
	return r
}

// shuffledLines returns the lines of data in an order fixed by seed.
func shuffledLines(data []byte, seed uint64) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	rng := rand.New(rand.NewPCG(seed, 0))
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return []byte(strings.Join(lines, ""))
}

// TestExampleEvents checks that the sample log reproduces the published
// 2023/24 figures, as JSON Lines and as CSV, in its own order and shuffled
// line by line, from a file and from a pipe.
func TestExampleEvents(t *testing.T) {
	jsonl, err := os.ReadFile("../examples/events/2023-24.jsonl")
	require.NoError(t, err)
	csvData, err := os.ReadFile("../examples/events/2023-24.csv")
	require.NoError(t, err)
	csvHead, csvRows, _ := bytes.Cut(csvData, []byte("\n"))
	logs := []struct {
		name string
		src  func() io.Reader
	}{
		{"JSON Lines", func() io.Reader { return bytes.NewReader(jsonl) }},
		{"CSV", func() io.Reader { return bytes.NewReader(csvData) }},
		{"JSON Lines shuffled", func() io.Reader { return bytes.NewReader(shuffledLines(jsonl, 7)) }},
		{"JSON Lines shuffled, from a pipe", func() io.Reader { return onlyReader{bytes.NewReader(shuffledLines(jsonl, 8))} }},
		{"CSV shuffled", func() io.Reader {
			return bytes.NewReader(append(append(csvHead, '\n'), shuffledLines(csvRows, 9)...))
		}},
	}
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
		{MetricCompletionRate, 85},
		{"score-change:perpetrator-risk", -61},
		{"score-change:attitudes-awareness", 44},
	}
	p, err := ParsePeriod("2023/24")
	require.NoError(t, err)
	for _, l := range logs {
		t.Run(l.name, func(t *testing.T) {
			r, problems := Compute("events", l.src(), p, kentOptions(t)...)
			require.Empty(t, problems)
			for _, w := range want {
				v := value(t, r, w.id)
				require.NotNil(t, v, w.id)
				assert.Equal(t, w.value, *v, w.id)
			}
		})
	}
}

// TestExampleEventsUpToDate checks that the sample logs are what their
// generator writes.
func TestExampleEventsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "generate.go", "-o", filepath.Join(dir, "2023-24.jsonl"), "-csv", filepath.Join(dir, "2023-24.csv"))
	cmd.Dir = "../examples/events"
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, name := range []string{"2023-24.jsonl", "2023-24.csv"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		want, err := os.ReadFile("../examples/events/" + name)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "examples/events/%s is stale: run go run generate.go in examples/events", name)
	}
}

func TestGolden(t *testing.T) {
	r := exampleReport(t)
	for _, f := range Formats() {
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
	byID := map[string]element{}
	table := map[string]string{}   // metric → value in the figures table
	quarter := map[string]string{} // quarter|metric → value in the quarters table
	funnel := map[string]string{}
	funnelText := map[string]string{}
	trend := map[string]string{}
	var inQuarterRow string
	for _, e := range els {
		if id := e.attrs["id"]; id != "" {
			byID[id] = e
		}
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
		case e.name == "li" && e.attrs["data-metric"] != "":
			funnel[e.attrs["data-metric"]] = e.attrs["data-value"]
			funnelText[e.attrs["data-metric"]] = e.text
		}
	}
	require.Len(t, funnel, len(funnelStages))
	for id, v := range funnel {
		f, ok := r.Metric(id)
		require.True(t, ok)
		assert.Equal(t, strconv.FormatInt(f.Int(), 10), v, "funnel bar %s", id)
		assert.Equal(t, f.Title+v, funnelText[id], "the funnel reads as text: %s", id)
		assert.Contains(t, table[id], v, "figures table row %s", id)
	}
	for _, f := range r.Metrics {
		assert.Contains(t, table[f.ID], valueWithUnit(f), "figures table row %s", f.ID)
		assert.Contains(t, table[f.ID], f.Title, "figures table row %s", f.ID)
	}
	require.Len(t, trend, 4*len(trendSeries))
	for key, v := range trend {
		assert.Equal(t, quarter[key], v, "trend bar %s", key)
	}
	assert.Equal(t, "13", trend["2023/24-Q1|referrals"])
	// The trend chart is described by the quarters table, which holds its
	// figures as text.
	svg := byID["trend"]
	assert.Equal(t, "img", svg.attrs["role"])
	for _, id := range strings.Fields(svg.attrs["aria-describedby"]) {
		_, ok := byID[id]
		assert.True(t, ok, "aria-describedby names %s, which the page lacks", id)
	}
	assert.Contains(t, svg.attrs["aria-describedby"], "quarters")
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

// TestReportsNameNotIDs checks that the reports people read show titles,
// never the ids of programmes, reasons, instruments or metrics.
func TestReportsNameNotIDs(t *testing.T) {
	r := exampleReport(t)
	for _, f := range []Format{FormatMarkdown, FormatHTML} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, r.Write(&b, f))
			text := b.String()
			if f == FormatHTML {
				text = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text, " ") // attributes are not read
			}
			for _, id := range []string{"healthy-relationships", "moved-away", "cobi", "perpetrator-risk", "score-change", "completion-rate", "(not allocated)"} {
				assert.NotContains(t, text, id)
			}
			for _, name := range []string{"Healthy Relationships", "Moved out of the area", "COBI", "Change in perpetrator risk (Project Mirabal)", "Completion rate", "kent", "2022-08", "sha256:0123456789abcdef", "devel", "15 April 2024"} {
				assert.Contains(t, text, name)
			}
		})
	}
}

// evil is pack text that tries to be markup.
const evil = `<b>&"x"</b> [link](javascript:alert(1)) ![img](x) | cell *em* _u_ ` + "`code`"

func evilReport(t *testing.T) *Report {
	t.Helper()
	p, err := NewPeriod(referral.MustDate("2023-04-01"), referral.MustDate("2023-04-30"))
	require.NoError(t, err)
	r, problems := Compute("e", strings.NewReader(evs(story("A", "2023-04-02", "withdrawn")...)), p,
		WithMetrics(Metric{ID: "x", Title: evil, Description: evil, Unit: UnitCount, New: func(p Period) Measure { return &countMeasure{p: p} }}),
		WithReasons(ReasonCode{Code: "disengaged", Title: evil}),
		WithProgrammes(map[string]string{"cobi": evil}),
		WithPack(PackStamp{Name: evil, Version: "=1+1", Digest: "@x"}))
	require.Empty(t, problems)
	return r
}

func TestHTMLEscapes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, evilReport(t).WriteHTML(&b))
	assert.NotContains(t, b.String(), "<b>")
	assert.NotContains(t, b.String(), "javascript:alert(1)\"")
	parseHTML(t, b.Bytes())
}

func TestMarkdownEscapes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, evilReport(t).WriteMarkdown(&b))
	md := b.String()
	for _, bad := range []string{"<b>", "[link]", "![img]", "*em*", "_u_", "`code`"} {
		assert.NotContains(t, md, bad)
	}
	assert.Contains(t, md, `\<b\>`)
	// Every table row keeps its number of cells: the pipe in the text is
	// escaped.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "cell") {
			cells := strings.Count(line, "|") - strings.Count(line, `\|`) - 1
			assert.Contains(t, []int{2, 7}, cells, line)
		}
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+SUM(A1)", "'+SUM(A1)"},
		{"-2+3", "'-2+3"},
		{"@cmd", "'@cmd"},
		{"\t=x", "'\t=x"},
		{"-61.0", "-61.0"},
		{"+4", "+4"},
		{"-", "'-"},
		{"Referrals", "Referrals"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { assert.Equal(t, tt.want, csvSafe(tt.in)) })
	}
	var b bytes.Buffer
	require.NoError(t, evilReport(t).WriteCSV(&b))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				assert.True(t, isPlainNumber(cell), "cell %q", cell)
			}
		}
	}
}

// contrast returns the WCAG contrast ratio of two #rrggbb colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	lum := func(hex string) float64 {
		require.Len(t, hex, 7)
		var c [3]float64
		for i := range 3 {
			v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			require.NoError(t, err)
			s := float64(v) / 255
			if s <= 0.03928 {
				c[i] = s / 12.92
			} else {
				c[i] = math.Pow((s+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestChartContrast checks that every chart mark has at least 3:1
// contrast against the page (WCAG 1.4.11), and that the page uses only
// those colours for marks.
func TestChartContrast(t *testing.T) {
	for _, c := range ChartColours() {
		t.Run(c, func(t *testing.T) {
			assert.GreaterOrEqual(t, contrast(t, c, PageBackground), 3.0)
		})
	}
	assert.InDelta(t, 21, contrast(t, "#000000", "#ffffff"), 0.01)
	var b bytes.Buffer
	require.NoError(t, exampleReport(t).WriteHTML(&b))
	for _, m := range regexp.MustCompile(`fill="(#[0-9a-f]{6})"`).FindAllStringSubmatch(b.String(), -1) {
		assert.Contains(t, ChartColours(), m[1])
	}
}
