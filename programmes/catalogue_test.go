package programmes_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
)

// kentCriteria are the criterion ids of both kent versions.
var kentCriteria = []string{"accepts-responsibility", "substance-misuse-manageable", "mental-health-manageable", "consents-to-information-sharing"}

var (
	window2021 = programmes.Window{From: referral.MustDate("2021-09-01"), To: referral.MustDate("2022-07-31")}
	window2022 = programmes.Window{From: referral.MustDate("2022-08-01"), To: referral.MustDate("2025-03-31")}
)

// parseFile parses a programmes file as Load does, naming it name.
func parseFile(t testing.TB, name string, data []byte, w programmes.Window) (*programmes.Catalogue, diag.List) {
	t.Helper()
	cat, problems := programmes.Read(name, data, w, kentCriteria)
	problems.Sort()
	return cat, problems
}

// kent parses the default pack's programmes for version.
func kent(t testing.TB, version string) *programmes.Catalogue {
	t.Helper()
	name := filepath.Join("..", "rules", "kent", version, "programmes.yaml")
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	w := window2021
	if version == "2022-08" {
		w = window2022
	}
	cat, problems := parseFile(t, "rules/kent/"+version+"/programmes.yaml", data, w)
	require.Empty(t, problems, "%v", problems)
	return cat
}

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

func TestKentFigures(t *testing.T) {
	type figures struct {
		addresses, delivery  string
		sessions             int
		hours                float64
		facilitators         int
		places, groups, size int
		capacity             int
		capped, group        bool
		waives               []string
	}
	cobi := figures{"stalking", "one-to-one", 12, 2.5, 1, 40, 0, 0, 40, true, false, nil}
	hr := figures{"domestic-abuse", "one-to-one", 10, 0, 1, 40, 0, 0, 40, true, false, nil}
	group := figures{"domestic-abuse", "group", 12, 0, 2, 0, 10, 8, 80, true, true, nil}
	early := figures{"engagement", "one-to-one-or-group", 0, 0, 0, 0, 0, 0, 0, false, false, []string{"accepts-responsibility"}}
	tests := []struct {
		name, version, id string
		want              figures
		window            programmes.Window
	}{
		{"2021-09 COBI: 1:1, 12 sessions of up to 2.5 hours, 40 places", "2021-09", "cobi", cobi, window2021},
		{"2021-09 Healthy Relationships: 1:1, 10 sessions, 40 places", "2021-09", "healthy-relationships", hr, window2021},
		{"2021-09 DA Groupwork: 12 sessions, 2 facilitators, 10 groups of 8", "2021-09", "da-groupwork", group, window2021},
		{"2022-08 COBI", "2022-08", "cobi", cobi, window2022},
		{"2022-08 Healthy Relationships", "2022-08", "healthy-relationships", hr, window2022},
		{"2022-08 DA Groupwork", "2022-08", "da-groupwork", group, window2022},
		{"2022-08 Early Response: uncapped, waives accepts-responsibility", "2022-08", "early-response", early, window2022},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := kent(t, tt.version).Lookup(tt.id)
			require.NotNil(t, p)
			capacity, capped := p.Capacity()
			got := figures{p.Addresses, p.Delivery, p.Sessions, p.SessionHours, p.Facilitators, p.Places, p.Groups, p.GroupSize,
				capacity, capped, p.IsGroup(), p.Waives}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.window, p.Funding)
			assert.NotEmpty(t, p.Name)
			assert.NotEmpty(t, p.Model)
			assert.NotEmpty(t, p.Staff)
		})
	}
}

func TestKentIDs(t *testing.T) {
	assert.Equal(t, []string{"cobi", "healthy-relationships", "da-groupwork"}, kent(t, "2021-09").IDs())
	assert.Equal(t, []string{"cobi", "healthy-relationships", "da-groupwork", "early-response"}, kent(t, "2022-08").IDs())
	assert.Nil(t, kent(t, "2021-09").Lookup("early-response"))
}

func TestWaived(t *testing.T) {
	cat := kent(t, "2022-08")
	assert.True(t, cat.Lookup("early-response").Waived("accepts-responsibility"))
	assert.False(t, cat.Lookup("early-response").Waived("mental-health-manageable"))
	assert.False(t, cat.Lookup("cobi").Waived("accepts-responsibility"))
}

func TestWindowContains(t *testing.T) {
	tests := []struct {
		name string
		day  string
		want bool
	}{
		{"the day before it opens", "2022-07-31", false},
		{"the day it opens", "2022-08-01", true},
		{"the day it closes", "2025-03-31", true},
		{"the day after it closes", "2025-04-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, window2022.Contains(referral.MustDate(tt.day)))
		})
	}
}

// TestReadProblems checks every mistake in a file is reported at once, each
// at its file:line:col, as whole rendered text against a golden file.
func TestReadProblems(t *testing.T) {
	tests := []struct {
		name, file string
	}{
		{"every kind of mistake in one file", "mistakes"},
		{"no programmes", "empty"},
		{"unknown keys and wrong types", "types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "catalogue/" + tt.file + ".yaml"
			data, err := os.ReadFile(filepath.Join("testdata", name))
			require.NoError(t, err)
			_, problems := parseFile(t, "programmes.yaml", data, window2022)
			require.True(t, problems.HasErrors())
			for _, d := range problems {
				assert.NotZero(t, d.Range.Start.Line, "every problem has a line: %s", d.Compact())
			}
			var b bytes.Buffer
			require.NoError(t, problems.Text(&b))
			checkGolden(t, "catalogue/"+tt.file+".golden", b.Bytes())
		})
	}
}

// FuzzRead checks that no programmes file, however broken, panics the
// parser, and that a file that parses cleanly gives programmes with sane
// figures.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"../rules/kent/2021-09/programmes.yaml", "../rules/kent/2022-08/programmes.yaml",
		"testdata/catalogue/mistakes.yaml", "testdata/catalogue/types.yaml", "testdata/catalogue/empty.yaml"} {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, problems := parseFile(t, "programmes.yaml", data, window2022)
		if problems.HasErrors() || cat == nil {
			return
		}
		for _, p := range cat.Programmes {
			n, capped := p.Capacity()
			if n < 0 || (capped && n == 0) {
				t.Fatalf("programme %s has capacity %d (capped %v)", p.ID, n, capped)
			}
			if p.Funding.To.Before(p.Funding.From) {
				t.Fatalf("programme %s has a funding window that ends before it starts", p.ID)
			}
		}
	})
}
