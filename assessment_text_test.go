package pathway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
)

// WriteText shows every value it prints with its control characters,
// bidirectional controls and line breaks escaped, wherever the value came
// from: no referral or pack rewrites what a terminal shows.
func TestWriteTextEscapes(t *testing.T) {
	hostile := "x\x1b[2J\r\u202e\a\nFAKE"
	shown := `x\u001b[2J\r\u202e\u0007\nFAKE`
	victim := 0
	a := &pathway.Assessment{
		Referral: "KR-" + hostile,
		Pack:     pathway.Stamp{Name: "pack" + hostile, Version: "v" + hostile},
		Decision: pathway.Eligible,
		Problems: diag.List{{Path: "id" + hostile, Summary: "s" + hostile}},
		Rules: []pathway.RuleResult{{ID: "r", Kind: "criterion", Outcome: "pass", Reason: "because" + hostile,
			Reads: pathway.Reads{{Path: "k" + hostile, Value: "v" + hostile}, {Path: "n", Value: []any{"w" + hostile}}}, Missing: []string{"m" + hostile}}},
		Programmes: []pathway.Offer{{ID: "p" + hostile, Reasons: []string{"r" + hostile}}},
		Actions: []pathway.Action{{ID: "a" + hostile, Victim: &victim, Text: "t" + hostile, Owner: "o" + hostile,
			Tell: []string{"tell" + hostile}, Missing: []string{"miss" + hostile}}},
	}
	var b strings.Builder
	require.NoError(t, a.WriteText(&b))
	out := b.String()
	assert.False(t, strings.ContainsAny(out, "\x1b\r\u202e\a"), "raw control characters in %q", out)
	assert.NotContains(t, out, "\nFAKE", "a value forged a line")
	for _, want := range []string{
		"Referral KR-" + shown + ": ELIGIBLE",
		"Assessed under pack" + shown + " v" + shown,
		"Offered: p" + shown + ".",
		"  - id" + shown + ": s" + shown,
		"because" + shown,
		"k" + shown + ` = "vx\x1b[2J\r\u202e\a\nFAKE"`,
		"missing: m" + shown,
		"  - p" + shown + " (p" + shown + ")",
		"      r" + shown,
		"  - a" + shown + " for victim 1: t" + shown + " (o" + shown + ", today)",
		"tell: tell" + shown,
		"missing: miss" + shown,
	} {
		assert.Contains(t, out, want)
	}
}
