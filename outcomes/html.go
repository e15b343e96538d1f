package outcomes

import (
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/saferpath/pathway/referral"
)

// WriteHTML writes the report as one self-contained HTML page that works
// offline (no scripts, fonts or images from elsewhere), prints on A4 and
// reads on a phone 390 pixels wide. It names everything by its title, and
// says what made it. It has two charts, each with its figures as text
// linked to it for screen readers: a referral-to-completion funnel (a list
// of bars) and a per-quarter trend (SVG, described by the quarters table).
// The page is also well-formed XML, so that tests and other tools can read
// it with an XML parser; chart marks carry data-metric and data-value
// attributes with the numbers they draw. docs/reports.md describes it.
func (r *Report) WriteHTML(w io.Writer) error {
	return htmlPage.Execute(w, newPageData(r))
}

// Trend chart geometry, in SVG user units.
const (
	chartWidth  = 760.0
	trendHeight = 400.0
	trendLeft   = 64.0
	trendRight  = 12.0
	trendTop    = 112.0
	trendBottom = 80.0
)

// PageBackground is the HTML report's background colour behind the charts.
const PageBackground = "#ffffff"

// funnelColour is the funnel bars' colour.
const funnelColour = "#0072b2"

// funnelStages are the funnel's bars, top to bottom.
var funnelStages = []string{MetricReferrals, MetricAssessments, MetricAllocations, MetricStarts, MetricCompletions}

// trendSeries are the per-quarter chart's bars in each group, with their
// colours: told apart by hue for colour vision and by lightness without
// it, each with at least 3:1 contrast against PageBackground.
var trendSeries = []struct{ id, colour string }{
	{MetricReferrals, "#0072b2"},
	{MetricAssessments, "#a6611a"},
	{MetricStarts, "#007a5e"},
	{MetricCompletions, "#6a3d9a"},
}

// ChartColours returns the colours the HTML report's chart marks are drawn
// in, for checking their contrast against PageBackground.
func ChartColours() []string {
	out := []string{funnelColour}
	for _, s := range trendSeries {
		out = append(out, s.colour)
	}
	return out
}

type pageData struct {
	Title      string
	PeriodText string
	Period     Period
	Made       pageMade
	Metrics    []pageFigure
	Breakdowns []pageBreakdown
	Quarters   []pageQuarter
	QuarterIDs []string
	Funnel     []funnelBar
	FunnelText string
	Trend      trendChart
	Colour     string
}

type pageMade struct {
	When, Engine                  string
	Pack, Version, Digest, Nopack string
}

type pageFigure struct {
	ID, Title, Value, Description string
	Raw                           string // the value as a plain number, "" for none
}

type pageBreakdown struct {
	ID, Title, Key string
	Columns        []string
	Rows           []pageRow
}

type pageRow struct {
	Name   string
	Values []int64
}

type pageQuarter struct {
	Label, From, To string
	Cells           []pageFigure
}

type funnelBar struct {
	ID, Title, Text string
	Value           int64
	Percent         float64
}

type trendChart struct {
	Width, Height       float64
	PlotLeft, PlotRight float64
	Base                float64
	Ticks               []trendTick
	Groups              []trendGroup
	Legend              []trendLegend
	ShowValues          bool
	Summary             string
}

type trendTick struct {
	Y     float64
	Label string
}

type trendGroup struct {
	Label, Sub string // "Q1" and the year, "2023/24"
	LabelX     float64
	Bars       []trendBar
}

type trendBar struct {
	Quarter, ID, Title, Colour string
	Value                      int64
	X, Y, W, H, TextX          float64
	TextY                      float64
}

type trendLegend struct {
	X, Y          float64
	Colour, Title string
}

func newPageData(r *Report) pageData {
	d := pageData{
		Title:      "Outcomes report: " + r.Period.Label,
		PeriodText: periodText(r.Period),
		Period:     r.Period,
		Colour:     funnelColour,
	}
	d.Made.When, d.Made.Engine, d.Made.Nopack = r.madeBy()
	if r.Pack != nil {
		d.Made.Pack, d.Made.Version, d.Made.Digest = r.Pack.Name, r.Pack.Version, r.Pack.Digest
	}
	for _, f := range r.Metrics {
		d.Metrics = append(d.Metrics, toPageFigure(f))
	}
	for _, bd := range r.Breakdowns {
		pb := pageBreakdown{ID: bd.ID, Title: bd.Title, Key: capitalise(bd.Key)}
		for _, c := range bd.Columns {
			pb.Columns = append(pb.Columns, shortTitle(c))
		}
		for _, row := range bd.Rows {
			pb.Rows = append(pb.Rows, pageRow{Name: row.name(), Values: row.Values})
		}
		d.Breakdowns = append(d.Breakdowns, pb)
	}
	for _, q := range r.Quarters {
		pq := pageQuarter{Label: q.Period.Label, From: shortDate(q.Period.From), To: shortDate(q.Period.To)}
		for _, f := range q.Metrics {
			pq.Cells = append(pq.Cells, toPageFigure(f))
		}
		d.Quarters = append(d.Quarters, pq)
	}
	if len(r.Quarters) > 0 {
		for _, f := range r.Quarters[0].Metrics {
			d.QuarterIDs = append(d.QuarterIDs, shortTitle(f.ID))
		}
	}
	d.Funnel = funnel(r)
	d.Trend = trend(r)
	return d
}

func toPageFigure(f Figure) pageFigure {
	pf := pageFigure{ID: f.ID, Title: f.Title, Value: valueWithUnit(f), Description: f.Description}
	if f.Value != nil {
		pf.Raw = valueText(f)
	}
	return pf
}

// funnel lays out the referral-to-completion funnel: bar widths in
// proportion to the largest stage.
func funnel(r *Report) []funnelBar {
	var most int64
	for _, id := range funnelStages {
		f, _ := r.Metric(id)
		most = max(most, f.Int())
	}
	var bars []funnelBar
	for _, id := range funnelStages {
		f, _ := r.Metric(id)
		v := f.Int()
		pct := 0.0
		if most > 0 {
			pct = 100 * float64(v) / float64(most)
		}
		if v > 0 {
			pct = max(pct, 1)
		}
		bars = append(bars, funnelBar{ID: id, Title: f.Title, Text: strconv.FormatInt(v, 10), Value: v, Percent: round1(pct)})
	}
	return bars
}

// trend lays out the per-quarter grouped bar chart.
func trend(r *Report) trendChart {
	c := trendChart{Width: chartWidth, Height: trendHeight, PlotLeft: trendLeft, PlotRight: chartWidth - trendRight, Base: trendHeight - trendBottom}
	c.ShowValues = len(r.Quarters) <= 12
	var most int64
	for _, q := range r.Quarters {
		for _, s := range trendSeries {
			most = max(most, quarterValue(q, s.id))
		}
	}
	top := niceCeiling(most)
	plotH := c.Base - trendTop
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		c.Ticks = append(c.Ticks, trendTick{Y: round1(c.Base - plotH*float64(i)/4), Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	n := float64(max(len(r.Quarters), 1))
	groupW := (c.PlotRight - c.PlotLeft) / n
	barW := groupW * 0.8 / float64(len(trendSeries))
	for i, q := range r.Quarters {
		label, sub := q.Period.Label, ""
		if y, qn, ok := strings.Cut(label, "-"); ok {
			label, sub = qn, y
		}
		g := trendGroup{Label: label, Sub: sub, LabelX: round1(c.PlotLeft + groupW*(float64(i)+0.5))}
		for j, s := range trendSeries {
			v := quarterValue(q, s.id)
			h := plotH * float64(v) / top
			x := c.PlotLeft + groupW*float64(i) + groupW*0.1 + barW*float64(j)
			g.Bars = append(g.Bars, trendBar{
				Quarter: q.Period.Label, ID: s.id, Title: columnTitle(s.id), Colour: s.colour, Value: v,
				X: round1(x), Y: round1(c.Base - h), W: round1(barW - 2), H: round1(h),
				TextX: round1(x + (barW-2)/2), TextY: round1(c.Base - h - 4),
			})
		}
		c.Groups = append(c.Groups, g)
	}
	// The legend: two rows of two, spaced for the larger text of a narrow
	// screen.
	for j, s := range trendSeries {
		c.Legend = append(c.Legend, trendLegend{X: 8 + float64(j%2)*360, Y: 6 + float64(j/2)*40, Colour: s.colour, Title: shortTitle(s.id)})
	}
	c.Summary = "Referrals, assessments, starts and completions in each quarter of the period, as bars. The table of quarters below gives every figure."
	return c
}

func quarterValue(q QuarterFigures, id string) int64 {
	for _, f := range q.Metrics {
		if f.ID == id {
			return f.Int()
		}
	}
	return 0
}

// niceCeiling rounds n up to 1, 2 or 5 times a power of ten (at least 4),
// so that the axis has round ticks in quarters.
func niceCeiling(n int64) float64 {
	if n <= 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(n))))
	for _, m := range []float64{1, 2, 4, 5, 8, 10} {
		if v := m * p; v >= float64(n) && math.Mod(v, 4) == 0 {
			return v
		}
	}
	return math.Ceil(float64(n)/(4*p)) * 4 * p
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// shortDate writes a date as "1 Apr 2023".
func shortDate(d referral.Date) string { return d.Time().Format("2 Jan 2006") }

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2329; margin: 0; background: #eef1f4; line-height: 1.45; }
main { max-width: 860px; margin: 0 auto; padding: 24px 28px 48px; background: #ffffff; }
h1 { font-size: 1.6rem; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 1.15rem; margin: 32px 0 8px; border-bottom: 1px solid #d5d9de; padding-bottom: 4px; }
p.period { margin: 0 0 12px; color: #3f4952; }
dl.made { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 0.9rem; color: #3f4952; }
dl.made dt { font-weight: 600; }
dl.made dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
figure { margin: 8px 0 0; }
figcaption { font-size: 0.9rem; color: #3f4952; margin-bottom: 8px; }
ol.funnel { list-style: none; margin: 0; padding: 0; }
ol.funnel li { display: grid; grid-template-columns: minmax(8rem, 13rem) 1fr 3.5rem; align-items: center; gap: 10px; margin: 6px 0; }
ol.funnel .track { background: #eef1f4; border-radius: 3px; height: 28px; }
ol.funnel .bar { display: block; height: 28px; border-radius: 3px; background: {{.Colour}}; }
ol.funnel .value { font-weight: 600; font-variant-numeric: tabular-nums; text-align: right; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; font-size: 15px; fill: #1d2329; }
svg text.small { font-size: 13px; fill: #3f4952; }
svg line.grid { stroke: #d5d9de; }
svg line.axis { stroke: #5b6670; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.table-wrap:focus { outline: 2px solid #0072b2; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.92rem; }
caption { text-align: left; font-size: 0.9rem; color: #3f4952; padding-bottom: 4px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #d5d9de; vertical-align: top; }
thead th { background: #eef1f4; }
tbody th { font-weight: normal; }
th .dates { display: block; font-size: 0.8rem; color: #3f4952; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, .nowrap { white-space: nowrap; }
#quarters th, #quarters td { padding: 5px 6px; }
code { font-size: 0.85em; overflow-wrap: anywhere; }
dl.defs { font-size: 0.9rem; }
dl.defs dt { font-weight: 600; margin-top: 8px; }
dl.defs dd { margin-left: 16px; color: #3a434c; }
footer { margin-top: 32px; font-size: 0.85rem; color: #3f4952; }
@media (max-width: 600px) {
  main { padding: 16px 14px 32px; }
  h1 { font-size: 1.35rem; }
  ol.funnel li { grid-template-columns: 1fr 3rem; gap: 2px 8px; }
  ol.funnel .name { grid-column: 1 / -1; }
  svg text { font-size: 30px; }
  svg text.small { font-size: 26px; }
  svg text.value { display: none; }
  table { font-size: 0.85rem; }
}
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { background: #ffffff; font-size: 10.5pt; }
  main { max-width: none; margin: 0; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table, tr, dl.made { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  ol.funnel .track, ol.funnel .bar, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
<main>
<header>
<h1>{{.Title}}</h1>
<p class="period">{{.PeriodText}}. An event counts in the period when its date falls in it.</p>
<dl class="made" aria-label="What made this report">
{{- if .Made.Pack}}
<dt>Rule pack</dt><dd>{{.Made.Pack}}, version {{.Made.Version}}</dd>
<dt>Pack digest</dt><dd><code>{{.Made.Digest}}</code></dd>
{{- else}}
<dt>Rule pack</dt><dd>none</dd>
{{- end}}
<dt>Made by</dt><dd>Pathway {{.Made.Engine}}</dd>
<dt>Made on</dt><dd>{{.Made.When}}</dd>
</dl>
</header>

<section aria-labelledby="funnel-title">
<h2 id="funnel-title">From referral to completion</h2>
<figure aria-labelledby="funnel-title">
<figcaption id="funnel-caption">How many of the period's events reached each stage, as bars in proportion to the largest.</figcaption>
<ol id="funnel" class="funnel" data-chart="funnel" aria-describedby="funnel-caption">
{{- range .Funnel}}
<li data-metric="{{.ID}}" data-value="{{.Value}}"><span class="name">{{.Title}}</span><span class="track" aria-hidden="true"><span class="bar" data-metric="{{.ID}}" data-value="{{.Value}}" style="width: {{.Percent}}%"></span></span><span class="value">{{.Text}}</span></li>
{{- end}}
</ol>
</figure>
</section>

{{- if .Quarters}}
<section aria-labelledby="trend-title">
<h2 id="trend-title">By quarter</h2>
<figure aria-labelledby="trend-title">
<figcaption id="trend-caption">{{.Trend.Summary}}</figcaption>
<svg id="trend" data-chart="trend" viewBox="0 0 {{.Trend.Width}} {{.Trend.Height}}" role="img" aria-labelledby="trend-title" aria-describedby="trend-caption quarters" xmlns="http://www.w3.org/2000/svg">
{{- range .Trend.Legend}}
<rect x="{{.X}}" y="{{.Y}}" width="24" height="24" fill="{{.Colour}}"/><text x="{{.X}}" dx="34" y="{{.Y}}" dy="19">{{.Title}}</text>
{{- end}}
{{- range .Trend.Ticks}}
<line class="grid" x1="{{$.Trend.PlotLeft}}" x2="{{$.Trend.PlotRight}}" y1="{{.Y}}" y2="{{.Y}}"/><text class="small" x="{{$.Trend.PlotLeft}}" dx="-6" y="{{.Y}}" dy="5" text-anchor="end">{{.Label}}</text>
{{- end}}
<line class="axis" x1="{{.Trend.PlotLeft}}" x2="{{.Trend.PlotRight}}" y1="{{.Trend.Base}}" y2="{{.Trend.Base}}"/>
{{- range .Trend.Groups}}
{{- range .Bars}}
<rect data-quarter="{{.Quarter}}" data-metric="{{.ID}}" data-value="{{.Value}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Colour}}"><title>{{.Quarter}}, {{.Title}}: {{.Value}}</title></rect>
{{- if $.Trend.ShowValues}}<text class="small value" x="{{.TextX}}" y="{{.TextY}}" text-anchor="middle">{{.Value}}</text>{{end}}
{{- end}}
<text x="{{.LabelX}}" y="{{$.Trend.Base}}" dy="30" text-anchor="middle">{{.Label}}</text>
{{- if .Sub}}<text class="small" x="{{.LabelX}}" y="{{$.Trend.Base}}" dy="62" text-anchor="middle">{{.Sub}}</text>{{end}}
{{- end}}
</svg>
</figure>
<div class="table-wrap" role="region" aria-labelledby="quarters-caption" tabindex="0">
<table id="quarters">
<caption id="quarters-caption">The figures of each quarter</caption>
<thead><tr><th scope="col">Quarter</th>{{range .QuarterIDs}}<th scope="col" class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Quarters}}
<tr data-quarter="{{.Label}}"><th scope="row" class="nowrap">{{.Label}}<span class="dates">{{.From}} to</span><span class="dates">{{.To}}</span></th>{{range .Cells}}<td class="num" data-metric="{{.ID}}" data-value="{{.Raw}}">{{.Value}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
</section>
{{- end}}

<section aria-labelledby="figures-title">
<h2 id="figures-title">Figures</h2>
<div class="table-wrap" role="region" aria-labelledby="figures-title" tabindex="0">
<table id="figures">
<thead><tr><th scope="col">Figure</th><th scope="col" class="num">Value</th></tr></thead>
<tbody>
{{- range .Metrics}}
<tr data-metric="{{.ID}}"><th scope="row">{{.Title}}</th><td class="num" data-value="{{.Raw}}">{{.Value}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
</section>
{{range .Breakdowns}}
<section aria-labelledby="{{.ID}}-title">
<h2 id="{{.ID}}-title">{{.Title}}</h2>
{{- if .Rows}}
<div class="table-wrap" role="region" aria-labelledby="{{.ID}}-title" tabindex="0">
<table id="{{.ID}}">
<thead><tr><th scope="col">{{.Key}}</th>{{range .Columns}}<th scope="col" class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr><th scope="row">{{.Name}}</th>{{range .Values}}<td class="num">{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- else}}
<p>None in the period.</p>
{{- end}}
</section>
{{end}}
<section aria-labelledby="defs-title">
<h2 id="defs-title">What the figures count</h2>
<dl class="defs">
{{- range .Metrics}}{{if .Description}}
<dt>{{.Title}}</dt><dd>{{.Description}}</dd>
{{- end}}{{end}}
</dl>
</section>
<footer>n/a means the figure has no data in the period. Percentages and means are rounded to one decimal place. This report holds counts only, no case ids or personal details.</footer>
</main>
</body>
</html>
`))
