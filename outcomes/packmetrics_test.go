package outcomes

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseMetricsText(t *testing.T, text string) ([]Metric, string) {
	t.Helper()
	ms, problems := ReadMetrics("outcomes.yaml", []byte(text))
	var b bytes.Buffer
	require.NoError(t, problems.WriteCompact(&b))
	return ms, b.String()
}

func TestPackMetricsOnTheSampleLog(t *testing.T) {
	data, err := os.ReadFile("../rules/kent/2022-08/outcomes.yaml")
	require.NoError(t, err)
	ms, problems := parseMetricsText(t, string(data))
	require.Empty(t, problems)
	log := strings.Join([]string{
		`{"case":"C-1","type":"referred","on":"2023-04-03"}`,
		`{"case":"C-1","type":"assessed","on":"2023-04-05"}`,
		`{"case":"C-1","type":"allocated","on":"2023-04-10","programme":"healthy-relationships"}`,
		`{"case":"C-1","type":"started","on":"2023-04-20"}`,
		`{"case":"C-1","type":"completed","on":"2023-07-20"}`,
		`{"case":"C-2","type":"referred","on":"2023-04-03"}`,
		`{"case":"C-2","type":"victim-supported","on":"2023-04-05","victims":1}`,
		`{"case":"C-2","type":"assessed","on":"2023-04-06"}`,
		`{"case":"C-2","type":"allocated","on":"2023-04-11","programme":"cobi"}`,
		`{"case":"C-2","type":"withdrawn","on":"2023-05-11","reason":"disengaged"}`,
		`{"case":"C-3","type":"referred","on":"2023-04-03"}`,
		`{"case":"C-3","type":"victim-supported","on":"2023-04-05","victims":3}`,
		`{"case":"C-3","type":"withdrawn","on":"2023-04-30","reason":"moved-away"}`,
		`{"case":"C-4","type":"referred","on":"2024-04-03"}`,
		`{"case":"C-4","type":"assessed","on":"2024-04-05"}`,
		`{"case":"C-4","type":"allocated","on":"2024-04-10","programme":"cobi"}`,
	}, "\n")
	rep, probs := Compute("events.jsonl", strings.NewReader(log), FinancialYear(2023), WithMetrics(ms...))
	require.Empty(t, probs)
	want := map[string]float64{
		"cobi-allocations": 1, "healthy-relationships-allocations": 1, "healthy-relationships-completions": 1,
		"withdrawals-disengaged-rate": 50, "mean-victims-per-referral": 2,
	}
	for id, v := range want {
		f, ok := rep.Metric(id)
		require.True(t, ok, id)
		require.NotNil(t, f.Value, id)
		assert.InDelta(t, v, *f.Value, 0.05, id)
	}
}

func TestPackMetricProblems(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown aggregate", `metrics: [{id: a, title: t, description: d, source: s, unit: count, aggregate: cout, when: 'type == "referred"'}]`, "bad-aggregate"},
		{"bad event type", `metrics: [{id: a, title: t, description: d, source: s, unit: count, aggregate: count, when: 'type == "refered"'}]`, "bad-enum"},
		{"unknown field", `metrics: [{id: a, title: t, description: d, source: s, unit: count, aggregate: count, when: 'programm == "cobi"'}]`, "unknown-name"},
		{"rate without over", `metrics: [{id: a, title: t, description: d, source: s, unit: percent, aggregate: rate, when: 'type == "referred"'}]`, "missing-over"},
		{"sum without of", `metrics: [{id: a, title: t, description: d, source: s, unit: people, aggregate: sum, when: 'type == "referred"'}]`, "bad-of"},
		{"standard id", `metrics: [{id: referrals, title: t, description: d, source: s, unit: count, aggregate: count, when: 'type == "referred"'}]`, "bad-id"},
		{"not boolean", `metrics: [{id: a, title: t, description: d, source: s, unit: count, aggregate: count, when: 'victims + 1'}]`, "not-boolean"},
		{"missing title", `metrics: [{id: a, description: d, source: s, unit: count, aggregate: count, when: 'type == "referred"'}]`, "missing-title"},
		{"reason not a listed code", `{reasons: [{code: gone, title: Gone}], metrics: [{id: a, title: t, description: d, source: s, unit: count, aggregate: count, when: 'reason == "disengaged"'}]}`, "bad-enum"},
		{"reason code not a code", `{reasons: [{code: "Moved Away", title: t}], metrics: []}`, "bad-code"},
		{"reason listed twice", `{reasons: [{code: a, title: t}, {code: a, title: u}], metrics: []}`, "duplicate-code"},
		{"alias of two reasons", `{reasons: [{code: a, title: t, aliases: [x y]}, {code: b, title: u, aliases: [X-Y]}], metrics: []}`, "duplicate-alias"},
		{"instrument without title", `{instruments: [{id: risk}], metrics: []}`, "missing-title"},
		{"instrument id not an id", `{instruments: [{id: Risk Score, title: t}], metrics: []}`, "bad-id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, problems := parseMetricsText(t, tt.text)
			assert.Empty(t, ms)
			assert.Contains(t, problems, "["+tt.want+"]")
			assert.Contains(t, problems, "outcomes.yaml:1:")
		})
	}
}

// FuzzParseMetrics parses arbitrary outcomes.yaml files: whatever they
// hold, parsing never panics, every problem has a code and a line, and the
// metrics it accepts measure a small log without error.
func FuzzParseMetrics(f *testing.F) {
	kent, err := os.ReadFile("../rules/kent/2022-08/outcomes.yaml")
	require.NoError(f, err)
	f.Add(kent)
	f.Add([]byte(`metrics: [{id: a, title: t, description: d, source: s, unit: percent, aggregate: rate, when: 'reason == "declined"', over: 'type == "withdrawn"'}]`))
	f.Add([]byte(`metrics: [{id: b, title: t, description: d, source: s, unit: days, aggregate: mean, of: value, when: 'phase == "post" && stage == "completed"'}]`))
	log := `{"case":"C-1","type":"referred","on":"2023-04-03"}
{"case":"C-1","type":"withdrawn","on":"2023-04-09","reason":"declined"}
{"case":"C-2","type":"referred","on":"2023-04-03"}
{"case":"C-2","type":"score","on":"2023-04-04","instrument":"perpetrator-risk","phase":"pre","value":10}
`
	f.Fuzz(func(t *testing.T, data []byte) {
		defs, problems := ReadDefinitions("outcomes.yaml", data)
		if defs == nil {
			require.NotEmpty(t, problems)
			return
		}
		for _, d := range problems {
			require.NotEmpty(t, d.Code)
			require.NotZero(t, d.Range.Start.Line, d.Compact())
		}
		if problems.HasErrors() {
			return
		}
		_, probs := Compute("events.jsonl", strings.NewReader(log), FinancialYear(2023), defs.Options()...)
		for _, d := range probs {
			require.NotEqual(t, "internal", d.Code)
		}
	})
}
