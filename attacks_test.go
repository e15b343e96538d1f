package pathway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/leakcheck"
	"github.com/saferpath/pathway/referral"
)

// attackPack is the pack of testdata/attacks/base with the eligibility file
// of one attack (testdata/attacks/rules/NAME.yaml).
func attackPack(t testing.TB, name string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range []string{"pack.yaml", "programmes.yaml", "safeguarding.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata/attacks/base", f))
		require.NoError(t, err)
		fsys["2024-01/"+f] = &fstest.MapFile{Data: data}
	}
	data, err := os.ReadFile(filepath.Join("testdata/attacks/rules", name+".yaml"))
	require.NoError(t, err)
	fsys["2024-01/eligibility.yaml"] = &fstest.MapFile{Data: data}
	return fsys
}

func attackReferral(t testing.TB) (*referral.Referral, []string) {
	t.Helper()
	data, err := os.ReadFile("testdata/attacks/referral.json")
	require.NoError(t, err)
	r, problems := referral.Read("referral.json", data)
	require.Empty(t, problems)
	values := leakcheck.Values(r)
	require.Contains(t, values, "Mary-Jane O'Neil")
	return r, values
}

// TestHostileRules loads each hostile rule of testdata/attacks/rules (each
// passes lint: it is a well-formed rule) and assesses a referral with it,
// under a deadline: the rule must come back unknown with the limit it
// reached, the assessment must say so in words, and no personal value of
// the referral may appear anywhere in it.
func TestHostileRules(t *testing.T) {
	tests := []struct {
		name, reason string
	}{
		{"nested-ranges", "more than 200000 steps"},
		{"nested-victims", "more than 200000 steps"},
		{"growing-text", "larger than 1048576 bytes"},
		{"huge-repeat", "larger than 1048576 bytes"},
		{"name-as-number", "victims[0].name could not be read as a number"},
		{"text-as-whole-number", "subject.name could not be read as a whole number"},
		{"wrapping-date", "outside the years 1000 to 9999"},
	}
	r, values := attackReferral(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pack, err := pathway.Load(attackPack(t, tt.name))
			require.NoError(t, err, "the rule is well formed: lint passes it")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			a, err := pack.Assess(ctx, r)
			require.NoError(t, err)
			require.NoError(t, ctx.Err(), "the assessment finished before its deadline")
			assert.Equal(t, pathway.Incomplete, a.Decision)
			assert.Equal(t, []string{"hostile"}, a.Unknown)
			var reason string
			for _, rr := range a.Rules {
				if rr.ID == "hostile" {
					reason = rr.Reason
					assert.Equal(t, "unknown", rr.Outcome)
				}
			}
			assert.Contains(t, reason, tt.reason)
			var out bytes.Buffer
			require.NoError(t, json.NewEncoder(&out).Encode(a))
			require.NoError(t, a.WriteText(&out))
			assert.Empty(t, leakcheck.Find(out.String(), values), "a personal value reached the assessment")
		})
	}
}

// TestHostileInputsAreBounded feeds the source layer inputs built to make
// it slow or greedy, under a deadline.
func TestHostileInputsAreBounded(t *testing.T) {
	manyKeys := func(n int, key func(int) string) []byte {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:1", key(i))
		}
		b.WriteString("}")
		return []byte(b.String())
	}
	tests := []struct {
		name  string
		input []byte
		code  string
	}{
		{"380,000 different keys", manyKeys(380_000, func(i int) string { return fmt.Sprintf("%x", i) }), "unknown-key"},
		{"380,000 repeats of one key", manyKeys(380_000, func(int) string { return "k" }), "duplicate-key"},
		{"nesting past the limit", []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)), "too-deep"},
		{"more than 4 MiB", bytes.Repeat([]byte(" "), 5<<20), "too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan diag.List, 1)
			go func() {
				_, problems := referral.Read("hostile.json", tt.input)
				done <- problems
			}()
			select {
			case problems := <-done:
				require.NotEmpty(t, problems)
				codes := map[string]bool{}
				for _, d := range problems {
					codes[d.Code] = true
				}
				assert.True(t, codes[tt.code], "%s among %v", tt.code, codes)
				assert.LessOrEqual(t, len(problems), 250, "the problems listed are bounded")
			case <-time.After(60 * time.Second):
				t.Fatal("reading did not finish")
			}
		})
	}
}

// TestLargeRuleFileKeepsNoCopyPerRule lints a rule file of about 1 MB with
// 1,000 rules: the memory it holds afterwards must not grow with the
// number of rules times the file's size (each rule once kept a copy of the
// whole file).
func TestLargeRuleFileKeepsNoCopyPerRule(t *testing.T) {
	var b strings.Builder
	b.WriteString("criteria:\n")
	pad := strings.Repeat("x", 850)
	for i := range 1000 {
		fmt.Fprintf(&b, "  - id: rule-%d\n    title: Rule %d\n    description: %s\n    source: Test\n    when: subject.consentsToInformationSharing == true\n    because: A reason.\n", i, i, pad)
	}
	fsys := attackPack(t, "nested-ranges")
	fsys["2024-01/eligibility.yaml"] = &fstest.MapFile{Data: []byte(b.String())}
	require.Greater(t, b.Len(), 900_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pack, err := pathway.Load(fsys)
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	assert.Less(t, held, int64(64<<20), "a loaded pack of a 1 MB file holds %d bytes", held)
	runtime.KeepAlive(pack)
}

// TestManyVictimsBoundTheAssessment assesses a referral of 4 MB with
// 95,000 minimal victims: it is invalid, its safety actions are worked out
// for the first 50 victims only, saying so, and the assessment stays small.
func TestManyVictimsBoundTheAssessment(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"id": "KR-MANY", "form": "cobi", "dateSent": "2024-05-14", "victims": [`)
	for i := 0; b.Len() < 4_000_000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"consentsToContact": true}`)
	}
	b.WriteString(`]}`)
	r, problems := referral.Read("many.json", []byte(b.String()))
	require.NotNil(t, r)
	require.Greater(t, len(r.Victims), 90_000)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, err := pathway.Default().Assess(ctx, r, pathway.WithProblems(problems))
	require.NoError(t, err)
	assert.Equal(t, pathway.Invalid, a.Decision)
	var out bytes.Buffer
	require.NoError(t, json.NewEncoder(&out).Encode(a))
	assert.Less(t, out.Len(), 256<<10, "the assessment of one referral is bounded")
	victims := map[int]bool{}
	for _, act := range a.Actions {
		if act.Victim != nil {
			victims[*act.Victim] = true
		}
	}
	assert.Len(t, victims, referral.MaxVictims)
	codes := map[string]bool{}
	for _, d := range a.Problems {
		codes[d.Code] = true
	}
	assert.True(t, codes["actions-capped"] && codes["too-many-items"], "%v", codes)
}
