package pathway_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/internal/leakcheck"
	"github.com/saferpath/pathway/referral"
)

func TestTitleOf(t *testing.T) {
	v := pathway.Default().Version("2022-08")
	require.NotNil(t, v)
	tests := []struct {
		name, id, title, named string
	}{
		{"criterion", "accepts-responsibility", "Accepts some responsibility", "Accepts some responsibility (accepts-responsibility)"},
		{"exclusion", "order-likely-within-12-weeks", "Likely to be subject to an order within 12 weeks",
			"Likely to be subject to an order within 12 weeks (order-likely-within-12-weeks)"},
		{"programme: its short title", "early-response", "Early Response", "Early Response (early-response)"},
		{"action trigger", "marac-referral", "Refer to MARAC", "Refer to MARAC (marac-referral)"},
		{"action that establishes answers", "establish-marac-referral", "Find out whether to refer to MARAC",
			"Find out whether to refer to MARAC (establish-marac-referral)"},
		{"establishing an unknown trigger", "establish-no-such-trigger", "", "establish-no-such-trigger"},
		{"no such id", "no-such-rule", "", "no-such-rule"},
		{"empty id", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.title, v.TitleOf(tt.id))
			assert.Equal(t, tt.named, v.Named(tt.id))
		})
	}
	t.Run("no version", func(t *testing.T) {
		var none *pathway.Version
		assert.Empty(t, none.TitleOf("accepts-responsibility"))
		assert.Equal(t, "accepts-responsibility", none.Named("accepts-responsibility"))
	})
}

func TestAssessmentTitleOf(t *testing.T) {
	r, _ := readReferral(t, "examples/referrals/hr-eligible.json", nil)
	a, err := pathway.Default().Assess(context.Background(), r)
	require.NoError(t, err)
	tests := []struct {
		name string
		a    *pathway.Assessment
		id   string
		want string
	}{
		{"a rule of the version that assessed", a, "mental-health-manageable", "Mental health is, or can be, managed (mental-health-manageable)"},
		{"a programme not offered", a, "cobi", "COBI (cobi)"},
		{"an action not raised", a, "spo-monitoring", "Monitor the Stalking Protection Order (spo-monitoring)"},
		{"an assessment not made by Assess knows no titles", &pathway.Assessment{}, "cobi", "cobi"},
		{"no assessment", nil, "cobi", "cobi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.a.Named(tt.id))
		})
	}
}

// readReferral reads an example referral, with the subject's answers in
// subject replaced (JSON files only), and the problems found reading it.
func readReferral(t *testing.T, name string, subject map[string]any) (*referral.Referral, diag.List) {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	if subject != nil {
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		maps.Copy(m["subject"].(map[string]any), subject)
		data, err = json.Marshal(m)
		require.NoError(t, err)
	}
	r, problems := referral.Read(filepath.Base(name), data)
	require.NotNil(t, r)
	return r, problems
}

// The explanation a referrer reads names every rule, programme and action
// by its title, with its id; an invalid form's problems come with their
// allowed values and fix. Nothing personal is printed.
func TestWriteTextSpeaksPolicy(t *testing.T) {
	tests := []struct {
		name, file string
		subject    map[string]any
	}{
		{"ineligible", "examples/referrals/cobi-likely-order.yaml", nil},
		{"incomplete", "examples/referrals/hr-unanswered-eligibility.json", nil},
		{"early-response", "examples/referrals/hr-eligible.json", map[string]any{"acceptsResponsibility": "none"}},
		{"invalid", "examples/referrals/invalid-bad-enum.json", nil},
		{"invalid-conditional", "examples/referrals/invalid-victim-support-details-missing.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, problems := readReferral(t, tt.file, tt.subject)
			a, err := pathway.Default().Assess(context.Background(), r, pathway.WithProblems(problems))
			require.NoError(t, err)
			var b strings.Builder
			require.NoError(t, a.WriteText(&b))
			golden.Check(t, filepath.Join("testdata", "text", tt.name+".golden"), []byte(b.String()))
			// The examples' addresses read "Not shared: held by the victim
			// service": words the pack's own texts use, not personal values.
			values := slices.DeleteFunc(leakcheck.Values(r), func(v string) bool { return v == "victim" || v == "service" })
			require.NotEmpty(t, values)
			assert.Empty(t, leakcheck.Find(b.String(), values), "a personal value in the explanation")
		})
	}
}
