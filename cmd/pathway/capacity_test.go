package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/outcomes"
)

func TestCapacityCommand(t *testing.T) {
	const dir = "testdata/capacity/"
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
	}{
		{"text-latest", []string{"capacity", dir + "ledger.jsonl"}, "", 0},
		{"json-latest", []string{"capacity", "--format", "json", dir + "ledger.jsonl"}, "", 0},
		{"text-on-date", []string{"capacity", "--on", "2023-05-15", dir + "ledger.jsonl"}, "", 0},
		{"json-on-date", []string{"capacity", "--on", "2023-05-15", "--format", "json", dir + "ledger.jsonl"}, "", 0},
		{"refused-allocations", []string{"capacity", dir + "refused.jsonl"}, "", 1},
		{"refused-allocations-json", []string{"capacity", "--format", "json", dir + "refused.jsonl"}, "", 1},
		{"earlier-version", []string{"capacity", "--on", "2022-07-31", dir + "refused.jsonl"}, "", 0},
		{"bad-events", []string{"capacity", dir + "bad.jsonl"}, "", 1},
		{"stdin", []string{"capacity", "-"}, `{"case":"C-1","type":"referred","on":"2023-05-02"}
{"case":"C-1","type":"assessed","on":"2023-05-02"}
{"case":"C-1","type":"allocated","on":"2023-05-03","programme":"da-groupwork"}
`, 0},
		{"no-version-in-force", []string{"capacity", "--on", "2020-01-01", dir + "ledger.jsonl"}, "", 2},
		{"empty-log", []string{"capacity", "-"}, "", 2},
		{"bad-date", []string{"capacity", "--on", "2023-02-30", dir + "ledger.jsonl"}, "", 2},
		{"bad-format", []string{"capacity", "--format", "csv", dir + "ledger.jsonl"}, "", 2},
		{"missing-file", []string{"capacity", dir + "nothing.jsonl"}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", stderr)
			got := fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", code, stdout, stderr)
			checkGolden(t, filepath.Join("capacity", tt.name+".golden"), got)
		})
	}
}

// TestCapacityJSONContract checks the JSON against docs/cli.md: on, and
// for each programme id, places, used, free and waiting, with groups for
// group programmes only.
func TestCapacityJSONContract(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "capacity", "--format", "json", "testdata/capacity/ledger.jsonl")
	require.Equal(t, 0, code)
	var got struct {
		On         string           `json:"on"`
		Programmes []map[string]any `json:"programmes"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, "2023-06-03", got.On)
	require.Len(t, got.Programmes, 4)
	byID := map[string]map[string]any{}
	for _, p := range got.Programmes {
		byID[p["id"].(string)] = p
	}
	tests := []struct {
		name, id string
		want     map[string]any
	}{
		{"cobi: the 41st took a withdrawn place, the 42nd waits", "cobi",
			map[string]any{"id": "cobi", "places": 40.0, "used": 40.0, "free": 0.0, "waiting": []any{"S-42"}}},
		{"healthy-relationships", "healthy-relationships",
			map[string]any{"id": "healthy-relationships", "places": 40.0, "used": 1.0, "free": 39.0, "waiting": []any{}}},
		{"early-response: uncapped, places and free are null", "early-response",
			map[string]any{"id": "early-response", "places": nil, "used": 1.0, "free": nil, "waiting": []any{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, byID[tt.id])
		})
	}
	t.Run("da-groupwork: groups with number and members", func(t *testing.T) {
		g := byID["da-groupwork"]
		assert.Equal(t, 80.0, g["places"])
		assert.Equal(t, 9.0, g["used"])
		groups := g["groups"].([]any)
		require.Len(t, groups, 2)
		assert.Equal(t, map[string]any{"number": 2.0, "members": []any{"G-09", "G-10"}}, groups[1])
	})
}

// TestCapacityAnyFormatAndOrder checks that the ledger as CSV, and its
// lines shuffled, give the same places as the JSON Lines log.
func TestCapacityAnyFormatAndOrder(t *testing.T) {
	const ledger = "testdata/capacity/ledger.jsonl"
	_, want, _ := runCLI(t, "", "capacity", "--format", "json", ledger)
	data, err := os.ReadFile(ledger)
	require.NoError(t, err)
	var csvLog bytes.Buffer
	w := csv.NewWriter(&csvLog)
	_ = w.Write(outcomes.CSVHeader)
	require.Empty(t, outcomes.ReadEvents("ledger", bytes.NewReader(data), func(e outcomes.Event) error { return w.Write(e.CSVRecord()) }))
	w.Flush()
	lines := strings.SplitAfter(strings.TrimSpace(string(data)), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i]) + "\n"
	}
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	dir := t.TempDir()
	for _, tt := range []struct{ name, file, text string }{
		{"csv", "ledger.csv", csvLog.String()},
		{"shuffled", "shuffled.jsonl", strings.Join(lines, "")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(dir, tt.file)
			require.NoError(t, os.WriteFile(name, []byte(tt.text), 0o644))
			code, got, stderr := runCLI(t, "", "capacity", "--format", "json", name)
			assert.Equal(t, 0, code, stderr)
			assert.Equal(t, want, got)
			code, got, stderr = runCLI(t, tt.text, "capacity", "--format", "json", "-")
			assert.Equal(t, 0, code, stderr)
			assert.Equal(t, want, got)
		})
	}
}
