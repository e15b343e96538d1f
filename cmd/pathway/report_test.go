package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sampleEvents = "../../examples/events/2023-24.jsonl"
	sampleCSV    = "../../examples/events/2023-24.csv"
)

func TestReportCommand(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"case": "C-1", "type": "referred", "on": "2023-05-02"}
{"case": "C-1", "type": "completed", "on": "2023-05-03"}
{"case": "C-2", "type": "assessed", "on": "2023-05-03", "colour": "red"}
`), 0o644))
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		out, err   []string
		notInOut   []string
		notInErr   []string
		wantNoBody bool
	}{
		{name: "markdown by default", args: []string{"report", "--period", "2023/24", sampleEvents}, code: 0,
			out: []string{"# Outcomes report: 2023/24", "| Referrals received | 51 |", "| Change in perpetrator risk (Project Mirabal) | -61.0% |",
				"| Change in awareness of attitudes and behaviours (Project Mirabal) | 44.0% |", "under rule pack kent version 2022-08 (digest sha256:"}},
		{name: "csv log", args: []string{"report", "--period", "2023/24", "--format", "json", sampleCSV}, code: 0,
			out: []string{`"id": "referrals",` + "\n" + `      "title": "Referrals received",` + "\n" + `      "unit": "count",` + "\n" + `      "value": 51`}},
		{name: "csv log named as csv", args: []string{"report", "--period", "2023/24", "--input-format", "csv", sampleCSV}, code: 0,
			out: []string{"| Referrals received | 51 |"}},
		{name: "csv log read as JSON Lines", args: []string{"report", "--period", "2023/24", "--input-format", "jsonl", sampleCSV}, code: 1,
			err: []string{"2023-24.csv:1:1: error: the line is not a JSON event [not-json]"}},
		{name: "unknown input format", args: []string{"report", "--period", "2023/24", "--input-format", "xls", sampleCSV}, code: 2,
			err: []string{"--input-format:", `the formats are "jsonl", "csv" or "auto"`}},
		{name: "a quarter", args: []string{"report", "--period", "2023/24-Q1", "--format", "csv", sampleEvents}, code: 0,
			out: []string{"2023/24-Q1,2023-04-01,2023-06-30,referrals,Referrals received,count,13"}},
		{name: "custom period", args: []string{"report", "--from", "2023-04-01", "--to", "2024-03-31", "--format", "json", sampleEvents}, code: 0,
			out: []string{`"label": "2023-04-01 to 2024-03-31"`}},
		{name: "html", args: []string{"report", "--period", "2023/24", "--format", "html", sampleEvents}, code: 0,
			out: []string{"<!DOCTYPE html>", `data-chart="funnel"`, `data-chart="trend"`}},
		{name: "standard input", args: []string{"report", "--period", "2023/24", "-"}, stdin: `{"case": "C-1", "type": "referred", "on": "2023-05-02"}`, code: 0,
			out: []string{"| Referrals received | 1 |"}},
		{name: "bad events list every problem", args: []string{"report", "--period", "2023/24", bad}, code: 1, wantNoBody: true,
			err: []string{bad + ":2:1: error: case C-1: completed before started; the case's events, sorted by date, go completed before started [unexpected-event]", bad + `:3:57: error: unknown field "colour" [unknown-field]`, "has 2 problems; no report was written"}},
		{name: "an unknown reason is counted as other, with a warning that does not repeat it", args: []string{"report", "--period", "2023/24", "-"},
			stdin: "case,type,on,reason\nC-1,referred,2023-05-02,\nC-1,withdrawn,2023-05-03,Went to live with Sandra\nC-2,referred,2023-05-02,\nC-2,withdrawn,2023-05-04,Moved out of area\n", code: 0,
			out: []string{"| Other reason | 1 |", "| Moved out of the area | 1 |"}, err: []string{"-:3:", "warning: the withdrawal reason is not one of the reasons; counted as other [unknown-reason]"},
			notInErr: []string{"Sandra"}},
		{name: "malformed period", args: []string{"report", "--period", "2023/25", sampleEvents}, code: 2, err: []string{`"2023/25" is not a financial year`}},
		{name: "period with a hyphen", args: []string{"report", "--period", "2023-24", sampleEvents}, code: 2, err: []string{`Did you mean "2023/24"?`}},
		{name: "quarter five", args: []string{"report", "--period", "2023/24-Q5", sampleEvents}, code: 2, err: []string{"the quarter must be Q1, Q2, Q3 or Q4"}},
		{name: "no period", args: []string{"report", sampleEvents}, code: 2, err: []string{"give a period"}},
		{name: "both kinds of period", args: []string{"report", "--period", "2023/24", "--from", "2023-04-01", sampleEvents}, code: 2, err: []string{"not both"}},
		{name: "from without to", args: []string{"report", "--from", "2023-04-01", sampleEvents}, code: 2, err: []string{"needs both --from and --to"}},
		{name: "bad from date", args: []string{"report", "--from", "2023-04-31", "--to", "2024-03-31", sampleEvents}, code: 2, err: []string{"--from:"}},
		{name: "to before from", args: []string{"report", "--from", "2024-04-01", "--to", "2024-03-31", sampleEvents}, code: 2, err: []string{"before it starts"}},
		{name: "unknown format", args: []string{"report", "--period", "2023/24", "--format", "htm", sampleEvents}, code: 2, err: []string{`Did you mean "html"?`}},
		{name: "unreadable file", args: []string{"report", "--period", "2023/24", "no-such-file.jsonl"}, code: 2, err: []string{"cannot read the event log"}},
		{name: "no file", args: []string{"report", "--period", "2023/24"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, strings.NewReader(tt.stdin), &out, &errb)
			assert.Equal(t, tt.code, code, "stderr: %s", errb.String())
			for _, s := range tt.out {
				assert.Contains(t, out.String(), s)
			}
			for _, s := range tt.err {
				assert.Contains(t, errb.String(), s)
			}
			for _, s := range tt.notInErr {
				assert.NotContains(t, errb.String(), s)
			}
			if tt.wantNoBody {
				assert.Empty(t, out.String())
			}
		})
	}
}

func TestReportCommandJSONContract(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"report", "--period", "2023/24", "--format", "json", sampleEvents}, nil, &out, &errb), errb.String())
	var got struct {
		Period  map[string]string `json:"period"`
		Pack    map[string]string `json:"pack"`
		Metrics []struct {
			ID    string   `json:"id"`
			Title string   `json:"title"`
			Unit  string   `json:"unit"`
			Value *float64 `json:"value"`
		} `json:"metrics"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, map[string]string{"label": "2023/24", "from": "2023-04-01", "to": "2024-03-31"}, got.Period)
	assert.Equal(t, "kent", got.Pack["name"])
	assert.Equal(t, "2022-08", got.Pack["version"])
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, got.Pack["digest"])
	values := map[string]float64{}
	for _, m := range got.Metrics {
		require.NotNil(t, m.Value, m.ID)
		values[m.ID] = *m.Value
	}
	assert.Equal(t, 51.0, values["referrals"])
	assert.Equal(t, 25.0, values["assessments"])
	assert.Equal(t, 17.0, values["completions"])
	assert.Equal(t, 3.0, values["partial-completions"])
	assert.Equal(t, 147.0, values["victims-supported"])
	assert.Equal(t, 300.0, values["mean-days-in-service"])
	assert.Equal(t, 85.0, values["completion-rate"])
	assert.Equal(t, -61.0, values["score-change:perpetrator-risk"])
	assert.Equal(t, 44.0, values["score-change:attitudes-awareness"])
}
