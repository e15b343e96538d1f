package outcomes

import (
	"html/template"
	"io"
	"math"
	"strconv"
)

// WriteHTML writes the report as one self-contained HTML page that works
// offline: no scripts, fonts or images from elsewhere. It has two inline
// SVG charts, a referral-to-completion funnel and a per-quarter trend, and
// every figure in tables. The page is also well-formed XML, so that tests
// and other tools can read it with an XML parser; chart shapes carry
// data-metric and data-value attributes with the numbers they draw.
func (r *Report) WriteHTML(w io.Writer) error {
	return htmlPage.Execute(w, newPageData(r))
}

// Chart geometry, in SVG user units.
const (
	chartWidth   = 760.0
	funnelLabelW = 210.0
	funnelBarMax = 460.0
	funnelRowH   = 46.0
	funnelBarH   = 32.0
	trendHeight  = 320.0
	trendLeft    = 48.0
	trendRight   = 12.0
	trendTop     = 40.0
	trendBottom  = 56.0
)

// funnelStages are the funnel's bars, top to bottom.
var funnelStages = []string{MetricReferrals, MetricAssessments, MetricAllocations, MetricStarts, MetricCompletions}

// trendSeries are the per-quarter chart's bars in each group, with their
// colours (the Okabe–Ito palette, readable with colour blindness).
var trendSeries = []struct{ id, colour string }{
	{MetricReferrals, "#0072B2"},
	{MetricAssessments, "#56B4E9"},
	{MetricStarts, "#E69F00"},
	{MetricCompletions, "#009E73"},
}

type pageData struct {
	Title      string
	PeriodText string
	Period     Period
	Metrics    []pageFigure
	Breakdowns []pageBreakdown
	Quarters   []pageQuarter
	QuarterIDs []string
	Funnel     funnelChart
	Trend      trendChart
}

type pageFigure struct {
	ID, Title, Value, Description string
	Raw                           string // the value as a plain number, "" for none
}

type pageBreakdown struct {
	ID, Title, Key string
	Columns        []string
	Rows           []BreakdownRow
}

type pageQuarter struct {
	Label, From, To string
	Cells           []pageFigure
}

type funnelChart struct {
	Height float64
	Bars   []funnelBar
}

type funnelBar struct {
	ID, Title, Text       string
	Value                 int64
	X, Y, W, H, LabelY    float64
	ValueX                float64
	ValueAnchor, ValueCls string
}

type trendChart struct {
	Width, Height       float64
	PlotLeft, PlotRight float64
	Base                float64
	Ticks               []trendTick
	Groups              []trendGroup
	Legend              []trendLegend
	ShowValues          bool
}

type trendTick struct {
	Y     float64
	Label string
}

type trendGroup struct {
	Label  string
	LabelX float64
	Bars   []trendBar
}

type trendBar struct {
	Quarter, ID, Colour string
	Value               int64
	X, Y, W, H, TextX   float64
	TextY               float64
}

type trendLegend struct {
	X             float64
	Colour, Title string
}

func newPageData(r *Report) pageData {
	d := pageData{
		Title:      "Outcomes report: " + r.Period.Label,
		PeriodText: periodText(r.Period),
		Period:     r.Period,
	}
	for _, f := range r.Metrics {
		d.Metrics = append(d.Metrics, toPageFigure(f))
	}
	for _, bd := range r.Breakdowns {
		pb := pageBreakdown{ID: bd.ID, Title: bd.Title, Key: capitalise(bd.Key), Rows: bd.Rows}
		for _, c := range bd.Columns {
			pb.Columns = append(pb.Columns, shortTitle(c))
		}
		d.Breakdowns = append(d.Breakdowns, pb)
	}
	for _, q := range r.Quarters {
		pq := pageQuarter{Label: q.Period.Label, From: q.Period.From.String(), To: q.Period.To.String()}
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

// funnel lays out the referral-to-completion funnel: bars centred, widths
// in proportion to the largest stage.
func funnel(r *Report) funnelChart {
	var c funnelChart
	var most int64
	for _, id := range funnelStages {
		f, _ := r.Metric(id)
		most = max(most, f.Int())
	}
	for i, id := range funnelStages {
		f, _ := r.Metric(id)
		v := f.Int()
		w := 0.0
		if most > 0 {
			w = funnelBarMax * float64(v) / float64(most)
		}
		if v > 0 {
			w = max(w, 2)
		}
		y := 8 + float64(i)*funnelRowH
		b := funnelBar{
			ID: id, Title: f.Title, Text: strconv.FormatInt(v, 10), Value: v,
			X: round1(funnelLabelW + (funnelBarMax-w)/2), Y: y, W: round1(w), H: funnelBarH,
			LabelY: y + funnelBarH/2 + 5,
		}
		// The number goes inside a wide bar, beside a narrow one.
		if w >= 60 {
			b.ValueX, b.ValueAnchor, b.ValueCls = round1(funnelLabelW+funnelBarMax/2), "middle", "in"
		} else {
			b.ValueX, b.ValueAnchor, b.ValueCls = round1(funnelLabelW+(funnelBarMax+w)/2+8), "start", "out"
		}
		c.Bars = append(c.Bars, b)
	}
	c.Height = 8 + float64(len(funnelStages))*funnelRowH
	return c
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
		g := trendGroup{Label: q.Period.Label, LabelX: round1(c.PlotLeft + groupW*(float64(i)+0.5))}
		for j, s := range trendSeries {
			v := quarterValue(q, s.id)
			h := plotH * float64(v) / top
			x := c.PlotLeft + groupW*float64(i) + groupW*0.1 + barW*float64(j)
			g.Bars = append(g.Bars, trendBar{
				Quarter: q.Period.Label, ID: s.id, Colour: s.colour, Value: v,
				X: round1(x), Y: round1(c.Base - h), W: round1(barW - 2), H: round1(h),
				TextX: round1(x + (barW-2)/2), TextY: round1(c.Base - h - 4),
			})
		}
		c.Groups = append(c.Groups, g)
	}
	for j, s := range trendSeries {
		c.Legend = append(c.Legend, trendLegend{X: c.PlotLeft + float64(j)*150, Colour: s.colour, Title: shortTitle(s.id)})
	}
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

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2329; margin: 0; background: #f6f7f9; }
main { max-width: 820px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 32px 0 8px; border-bottom: 1px solid #d5d9de; padding-bottom: 4px; }
p.period { margin: 0 0 8px; color: #4a545e; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; font-size: 13px; fill: #1d2329; }
svg text.in { fill: #fff; font-weight: 600; }
svg text.out { font-weight: 600; }
svg text.small { font-size: 11px; fill: #4a545e; }
svg line.grid { stroke: #e3e6ea; }
svg line.axis { stroke: #7b8590; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.92rem; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #eef1f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.nowrap { white-space: nowrap; }
#quarters { font-size: 0.8rem; }
#quarters th, #quarters td { padding: 5px 4px; }
code { font-size: 0.85em; color: #4a545e; }
dl { font-size: 0.9rem; }
dt { font-weight: 600; margin-top: 6px; }
dd { margin-left: 16px; color: #3a434c; }
footer { margin-top: 32px; font-size: 0.85rem; color: #4a545e; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="period">{{.PeriodText}}. An event counts in the period when its date falls in it.</p>

<h2 id="funnel-title">From referral to completion</h2>
<svg id="funnel" data-chart="funnel" viewBox="0 0 760 {{.Funnel.Height}}" role="img" aria-labelledby="funnel-title" xmlns="http://www.w3.org/2000/svg">
{{- range .Funnel.Bars}}
<text x="0" y="{{.LabelY}}">{{.Title}}</text>
<rect data-metric="{{.ID}}" data-value="{{.Value}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="3" fill="#0072B2"><title>{{.Title}}: {{.Text}}</title></rect>
<text class="{{.ValueCls}}" data-metric="{{.ID}}" x="{{.ValueX}}" y="{{.LabelY}}" text-anchor="{{.ValueAnchor}}">{{.Text}}</text>
{{- end}}
</svg>

<h2 id="trend-title">By quarter</h2>
<svg id="trend" data-chart="trend" viewBox="0 0 {{.Trend.Width}} {{.Trend.Height}}" role="img" aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg">
{{- range .Trend.Legend}}
<rect x="{{.X}}" y="8" width="14" height="14" fill="{{.Colour}}"/><text x="{{.X}}" dx="20" y="20">{{.Title}}</text>
{{- end}}
{{- range .Trend.Ticks}}
<line class="grid" x1="{{$.Trend.PlotLeft}}" x2="{{$.Trend.PlotRight}}" y1="{{.Y}}" y2="{{.Y}}"/><text class="small" x="{{$.Trend.PlotLeft}}" dx="-6" y="{{.Y}}" dy="4" text-anchor="end">{{.Label}}</text>
{{- end}}
<line class="axis" x1="{{.Trend.PlotLeft}}" x2="{{.Trend.PlotRight}}" y1="{{.Trend.Base}}" y2="{{.Trend.Base}}"/>
{{- range .Trend.Groups}}
{{- range .Bars}}
<rect data-quarter="{{.Quarter}}" data-metric="{{.ID}}" data-value="{{.Value}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Colour}}"><title>{{.Quarter}} {{.ID}}: {{.Value}}</title></rect>
{{- if $.Trend.ShowValues}}<text class="small" x="{{.TextX}}" y="{{.TextY}}" text-anchor="middle">{{.Value}}</text>{{end}}
{{- end}}
<text x="{{.LabelX}}" y="{{$.Trend.Base}}" dy="20" text-anchor="middle">{{.Label}}</text>
{{- end}}
</svg>

<h2>Figures</h2>
<table id="figures">
<thead><tr><th>Metric</th><th>Id</th><th class="num">Value</th></tr></thead>
<tbody>
{{- range .Metrics}}
<tr data-metric="{{.ID}}"><td>{{.Title}}</td><td><code>{{.ID}}</code></td><td class="num" data-value="{{.Raw}}">{{.Value}}</td></tr>
{{- end}}
</tbody>
</table>
{{range .Breakdowns}}
<h2>{{.Title}}</h2>
{{- if .Rows}}
<table id="{{.ID}}">
<thead><tr><th>{{.Key}}</th>{{range .Columns}}<th class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr><td class="nowrap">{{.Key}}</td>{{range .Values}}<td class="num">{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>None in the period.</p>
{{- end}}
{{end}}
{{- if .Quarters}}
<h2>Quarters</h2>
<table id="quarters">
<thead><tr><th>Quarter</th><th>From</th><th>To</th>{{range .QuarterIDs}}<th class="num">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Quarters}}
<tr data-quarter="{{.Label}}"><td class="nowrap">{{.Label}}</td><td class="nowrap">{{.From}}</td><td class="nowrap">{{.To}}</td>{{range .Cells}}<td class="num" data-metric="{{.ID}}" data-value="{{.Raw}}">{{.Value}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}

<h2>What the figures count</h2>
<dl>
{{- range .Metrics}}{{if .Description}}
<dt><code>{{.ID}}</code> {{.Title}}</dt><dd>{{.Description}}</dd>
{{- end}}{{end}}
</dl>
<footer>n/a means the metric has no data in the period. Percentages and means are rounded to one decimal place. This report holds counts only, no case ids or personal details.</footer>
</main>
</body>
</html>
`))
