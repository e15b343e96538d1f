package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckCommand(t *testing.T) {
	const ex = "../../examples/referrals/"
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"eligible-text", "", []string{"check", "--format", "text", ex + "hr-eligible.json"}, 0},
		{"eligible-json", "", []string{"check", ex + "hr-eligible.json"}, 0},
		{"cobi-text", "", []string{"check", "--format", "text", ex + "cobi-eligible.json"}, 0},
		{"incomplete-text", "", []string{"check", "--format", "text", ex + "hr-unanswered-eligibility.json"}, 0},
		{"invalid-text", "", []string{"check", "--format", "text", ex + "invalid-missing-referrer-contact.json"}, 1},
		{"invalid-json", "", []string{"check", ex + "invalid-bad-email.json"}, 1},
		{"at-date", "", []string{"check", "--format", "text", "--at", "2022-01-10", ex + "hr-eligible.json"}, 0},
		{"no-version-in-force", "", []string{"check", "--at", "2020-01-01", ex + "hr-eligible.json"}, 2},
		{"bad-at", "", []string{"check", "--at", "2024-02-30", ex + "hr-eligible.json"}, 2},
		{"bad-format", "", []string{"check", "--format", "xml", ex + "hr-eligible.json"}, 2},
		{"missing-file", "", []string{"check", "no-such-referral.json"}, 2},
		{"not-json-or-yaml", "{\"id\": [", []string{"check", "-"}, 2},
		{"stdin", `{"id": "KR-1", "form": "cobi"}`, []string{"check", "--format", "text", "-"}, 1},
		{"broken-pack", "", []string{"check", "--rules", "../../testdata/broken/wrong-enum", ex + "hr-eligible.json"}, 2},
		{"no-args", "", []string{"check"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", stderr)
			checkGolden(t, filepath.Join("check", tt.name+".golden"), "exit "+itoa(code)+"\n--- stdout\n"+stdout+"--- stderr\n"+stderr)
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// TestCheckJSONContract checks the assessment JSON against docs/assessment.md: the
// fields partner systems read, with their types.
func TestCheckJSONContract(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "check", "../../examples/referrals/hr-eligible.json")
	require.Equal(t, 0, code)
	var a map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &a))
	for _, key := range []string{"referral", "pack", "at", "decision", "problems", "failed", "unknown", "missing", "rules", "programmes", "actions"} {
		assert.Contains(t, a, key)
	}
	assert.Len(t, a, 11, "no fields beyond the contract")
	pack := a["pack"].(map[string]any)
	assert.Equal(t, "kent", pack["name"])
	assert.Equal(t, "2022-08", pack["version"])
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, pack["digest"])
	rule := a["rules"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "kind", "outcome", "reason", "reads", "source"} {
		assert.Contains(t, rule, key)
	}
	action := a["actions"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "owner", "victim", "dueWithinDays", "text"} {
		assert.Contains(t, action, key)
	}
	assert.IsType(t, []any{}, a["failed"], "empty lists are [], not null")
}

// TestCheckNeverPrintsPersonalData checks the output for every example
// against the personal values in the example.
func TestCheckNeverPrintsPersonalData(t *testing.T) {
	files, err := filepath.Glob("../../examples/referrals/*.json")
	require.NoError(t, err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var raw map[string]any
		require.NoError(t, json.Unmarshal(data, &raw))
		var personal []string
		collectPersonal(raw, "", &personal)
		for _, format := range []string{"json", "text"} {
			_, stdout, stderr := runCLI(t, "", "check", "--format", format, f)
			for _, p := range personal {
				assert.NotContains(t, stdout+stderr, p, "%s (%s) printed a personal value", filepath.Base(f), format)
			}
		}
	}
}

// collectPersonal gathers the values of names, addresses, contact details,
// dates of birth and free text.
func collectPersonal(v any, key string, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			collectPersonal(x, k, out)
		}
	case []any:
		for _, x := range v {
			collectPersonal(x, key, out)
		}
	case string:
		switch key {
		case "name", "address", "phone", "email", "dateOfBirth", "behaviourSummary", "reasonNotKnown",
			"servicesProvided", "supportServiceContact", "details", "contact":
			if len(v) > 3 {
				*out = append(*out, v)
			}
		}
	}
}
