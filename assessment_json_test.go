package pathway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/corpus"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
)

// plainAssessment is Assessment as it was marshalled by reflection, with
// no method of its own and the reads a map: what AppendJSON must write,
// byte for byte.
type plainAssessment struct {
	Referral   string           `json:"referral"`
	Pack       pathway.Stamp    `json:"pack"`
	At         referral.Date    `json:"at"`
	Decision   pathway.Decision `json:"decision"`
	Problems   diag.List        `json:"problems"`
	Failed     []string         `json:"failed"`
	Unknown    []string         `json:"unknown"`
	Missing    []string         `json:"missing"`
	Rules      []plainRule      `json:"rules"`
	Programmes []pathway.Offer  `json:"programmes"`
	Actions    []pathway.Action `json:"actions"`
}

type plainRule struct {
	ID      string         `json:"id"`
	Kind    string         `json:"kind"`
	Outcome string         `json:"outcome"`
	Reason  string         `json:"reason"`
	Reads   map[string]any `json:"reads"`
	Source  string         `json:"source"`
	Missing []string       `json:"missing,omitempty"`
}

func plainOf(a *pathway.Assessment) *plainAssessment {
	if a == nil {
		return nil
	}
	p := &plainAssessment{Referral: a.Referral, Pack: a.Pack, At: a.At, Decision: a.Decision, Problems: a.Problems,
		Failed: a.Failed, Unknown: a.Unknown, Missing: a.Missing, Programmes: a.Programmes, Actions: a.Actions}
	if a.Rules != nil {
		p.Rules = make([]plainRule, len(a.Rules))
		for i, r := range a.Rules {
			p.Rules[i] = plainRule{ID: r.ID, Kind: r.Kind, Outcome: r.Outcome, Reason: r.Reason, Reads: readsAsMap(r.Reads),
				Source: r.Source, Missing: r.Missing}
		}
	}
	return p
}

// TestPlainMirrorsAssessment keeps the mirror honest: the same fields, in
// the same order, with the same JSON tags, the reads aside.
func TestPlainMirrorsAssessment(t *testing.T) {
	same := func(real, mirror reflect.Type) {
		var fields []reflect.StructField
		for i := range real.NumField() {
			if f := real.Field(i); f.IsExported() {
				fields = append(fields, f)
			}
		}
		require.Equal(t, len(fields), mirror.NumField(), real.Name())
		for i, f := range fields {
			m := mirror.Field(i)
			assert.Equal(t, f.Name, m.Name, real.Name())
			assert.Equal(t, f.Tag.Get("json"), m.Tag.Get("json"), real.Name()+"."+f.Name)
			if f.Type != m.Type {
				switch f.Type {
				case reflect.TypeFor[[]pathway.RuleResult](), reflect.TypeFor[pathway.Reads]():
				default:
					t.Errorf("%s.%s is a %s in the mirror, a %s in fact", real.Name(), f.Name, m.Type, f.Type)
				}
			}
		}
	}
	same(reflect.TypeFor[pathway.Assessment](), reflect.TypeFor[plainAssessment]())
	same(reflect.TypeFor[pathway.RuleResult](), reflect.TypeFor[plainRule]())
}

// checkJSON checks that AppendJSON writes what json.Marshal writes for the
// plain mirror, and that json.Marshal and an indenting Encoder that does
// not escape HTML (the CLI's) write for the assessment what they write for
// the mirror.
func checkJSON(t testing.TB, a *pathway.Assessment) {
	t.Helper()
	want, wantErr := json.Marshal(plainOf(a))
	prefix := []byte("prefix:")
	got, err := a.AppendJSON(bytes.Clone(prefix))
	if wantErr != nil {
		require.Error(t, err, "json.Marshal fails (%v)", wantErr)
		_, err = json.Marshal(a)
		require.Error(t, err)
		return
	}
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(got, prefix), "AppendJSON appends")
	if !bytes.Equal(want, got[len(prefix):]) {
		t.Fatalf("AppendJSON differs from json.Marshal\nwant %s\n got %s", want, got[len(prefix):])
	}
	viaMarshal, err := json.Marshal(a)
	require.NoError(t, err)
	if !bytes.Equal(want, viaMarshal) {
		t.Fatalf("json.Marshal of the assessment differs from its mirror\nwant %s\n got %s", want, viaMarshal)
	}
	_, wantCLI := encodeBoth(t, plainOf(a))
	_, gotCLI := encodeBoth(t, a)
	if wantCLI != gotCLI {
		t.Fatalf("an indenting Encoder that does not escape HTML differs\nwant %s\n got %s", wantCLI, gotCLI)
	}
}

func TestAppendJSONExamples(t *testing.T) {
	pack := pathway.Default()
	files, err := filepath.Glob("examples/referrals/*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		r, problems := referral.Read(name, data)
		if r == nil {
			continue
		}
		for _, opts := range [][]pathway.AssessOption{
			{pathway.WithProblems(problems)},
			{pathway.WithProblems(problems), pathway.At(referral.MustDate("2021-10-01"))},
		} {
			a, err := pack.Assess(context.Background(), r, opts...)
			require.NoError(t, err, name)
			checkJSON(t, a)
		}
	}
}

func TestAppendJSONCorpus(t *testing.T) {
	pack := pathway.Default()
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := range n {
		line := corpus.Line(i, 7)
		r, err := referral.Decode("corpus", line)
		if r == nil {
			continue
		}
		a, aerr := pack.Assess(context.Background(), r, pathway.WithProblems(diag.From(err)))
		require.NoError(t, aerr)
		checkJSON(t, a)
	}
}

func TestAppendJSONZero(t *testing.T) {
	checkJSON(t, nil)
	checkJSON(t, &pathway.Assessment{})
	checkJSON(t, &pathway.Assessment{Rules: []pathway.RuleResult{{}}, Problems: diag.List{nil, {}}, Actions: []pathway.Action{{}},
		Programmes: []pathway.Offer{{}}, Failed: []string{}})
}

// TestAppendJSONHostile fills every field of assessments, at random, with
// hostile strings, odd numbers, nil and empty lists, and reads of every
// kind, unsorted and repeated.
func TestAppendJSONHostile(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var a pathway.Assessment
		fill(rnd, reflect.ValueOf(&a).Elem(), 0)
		checkJSON(t, &a)
	}
}

// hostileValues are read values of every kind a read may hold, and some
// it may hold only once decoded from JSON.
func hostileValue(rnd *rand.Rand) any {
	s := hostileTexts[rnd.IntN(len(hostileTexts))]
	values := []any{nil, true, false, s, int64(rnd.Int64() - math.MaxInt64/2), int64(0), int(-7), 0.0, -0.0, 1.5, 1e-7, 1e21,
		1e20, 123456.789, 5e-324, math.MaxFloat64, float32(0.1), math.NaN(), math.Inf(1), []any{s, 1.0, nil},
		map[string]any{s: s, "b": []any{}}, []string{s}, json.Number("12"), referral.FormCOBI}
	return values[rnd.IntN(len(values))]
}

// fill sets v, and every exported field, item and element under it, at
// random.
func fill(rnd *rand.Rand, v reflect.Value, depth int) {
	switch v.Type() {
	case reflect.TypeFor[referral.Date]():
		if rnd.IntN(4) > 0 {
			v.Set(reflect.ValueOf(referral.DateFromDays(rnd.IntN(40000) - 1000)))
		}
		return
	case reflect.TypeFor[pathway.Reads]():
		if rnd.IntN(8) == 0 {
			return // nil
		}
		rs := pathway.Reads{}
		for range rnd.IntN(5) {
			path := hostileTexts[rnd.IntN(len(hostileTexts))]
			rs = append(rs, rule.Reading{Path: path, Value: hostileValue(rnd)})
		}
		v.Set(reflect.ValueOf(rs))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if rnd.IntN(4) > 0 {
			v.SetString(hostileTexts[rnd.IntN(len(hostileTexts))])
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt([]int64{0, 1, -1, 42, 7, math.MaxInt32, math.MinInt32}[rnd.IntN(7)])
	case reflect.Pointer:
		if rnd.IntN(3) > 0 && depth < 6 {
			p := reflect.New(v.Type().Elem())
			fill(rnd, p.Elem(), depth+1)
			v.Set(p)
		}
	case reflect.Slice:
		switch rnd.IntN(4) {
		case 0: // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			if depth >= 6 {
				return
			}
			n := 1 + rnd.IntN(3)
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				fill(rnd, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(rnd, v.Field(i), depth+1)
			}
		}
	}
}

// FuzzAppendJSON puts arbitrary strings, numbers and reads into every kind
// of field of an assessment: AppendJSON must write what json.Marshal does.
func FuzzAppendJSON(f *testing.F) {
	for i, s := range hostileTexts {
		f.Add(s, hostileTexts[(i+3)%len(hostileTexts)], int64(i), float64(i)/3, uint8(i))
	}
	f.Add("x", "y", int64(math.MinInt64), 1e21, uint8(255))
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, fl float64, pick uint8) {
		victim, child := int(n), int(n>>8)
		values := []any{nil, s2, n, fl, pick%2 == 0, []any{s1, fl}, map[string]any{s2: s1}}
		a := &pathway.Assessment{
			Referral: s1, Pack: pathway.Stamp{Name: s2, Version: s1, Digest: s2, Engine: s1},
			At: referral.DateFromDays(int(int32(n))), Decision: pathway.Decision(s2),
			Problems: diag.List{
				{Severity: diag.Severity(pick), Code: s1, Summary: s2, Detail: s1, Path: s2, Excerpt: s1,
					Range: diag.Range{File: s2, Start: diag.Pos{Line: int(n), Column: int(pick)}, End: diag.Pos{Line: victim}}},
				{Code: s2, Range: diag.Range{End: diag.Pos{Line: 1}}},
				nil,
			},
			Failed: []string{s1, s2}, Unknown: []string{}, Missing: nil,
			Rules: []pathway.RuleResult{
				{ID: s1, Kind: s2, Outcome: s1, Reason: s2, Source: s1, Missing: []string{s2},
					Reads: pathway.Reads{{Path: s1, Value: values[int(pick)%len(values)]}, {Path: s2, Value: values[int(pick/8)%len(values)]}, {Path: "a", Value: s1}}},
				{ID: s2, Reads: pathway.Reads{}},
				{},
			},
			Programmes: []pathway.Offer{{ID: s1, Reasons: []string{s2, s1}}, {ID: s2}},
			Actions: []pathway.Action{
				{ID: s1, Owner: s2, Victim: &victim, DueWithinDays: int(pick), Text: s1, Tell: []string{s2}, Missing: []string{s1}},
				{ID: s2, Child: &child, Text: s2, Tell: []string{}},
			},
		}
		checkJSON(t, a)
	})
}
