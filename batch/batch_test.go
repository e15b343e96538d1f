package batch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
	gen "github.com/saferpath/pathway/internal/corpus"
	"github.com/saferpath/pathway/referral"
)

// base is the example Healthy Relationships referral as a generic value.
func base(t testing.TB) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

// corpus generates n referrals, one a line, with varied answers; the
// same seed gives the same corpus.
func corpus(t testing.TB, n int, seed uint64) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	pick := func(vs ...any) any { return vs[r.IntN(len(vs))] }
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := range n {
		m := base(t)
		m["id"] = fmt.Sprintf("GEN-%06d", i)
		m["dateSent"] = referral.MustDate("2021-09-01").AddDays(r.IntN(1300)).String()
		s := m["subject"].(map[string]any)
		s["acceptsResponsibility"] = pick("none", "some", "full", nil)
		s["substanceMisuse"] = pick("none", "managed", "manageable", "unmanaged")
		s["mentalHealth"] = pick("none", "managed", "manageable", "unmanaged")
		s["consentsToInformationSharing"] = pick(true, true, true, false, nil)
		s["currentOrder"] = pick("none", "none", "none", "community", "custodial")
		s["likelyOrder"] = pick("none", "none", "community", "custodial", nil)
		s["nextCourtDate"] = pick(nil, referral.MustDate(m["dateSent"].(string)).AddDays(r.IntN(200)).String())
		s["gender"] = pick("male", "female", "other")
		require.NoError(t, enc.Encode(m))
	}
	return b.Bytes()
}

type line struct {
	Referral string           `json:"referral"`
	Decision pathway.Decision `json:"decision"`
	Problems []struct {
		Code    string `json:"code"`
		Excerpt string `json:"excerpt"`
		Range   struct {
			File  string `json:"file"`
			Start struct{ Line, Column int }
		} `json:"range"`
	} `json:"problems"`
}

func decodeLines(t *testing.T, out []byte) []line {
	t.Helper()
	var lines []line
	for _, l := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		var x line
		require.NoError(t, json.Unmarshal(l, &x), "each output line is one assessment")
		lines = append(lines, x)
	}
	return lines
}

// Output is in input order whatever the number of workers.
func TestOrder(t *testing.T) {
	in := corpus(t, 3000, 7)
	for _, workers := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			var out bytes.Buffer
			sum, err := batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), &out, batch.Options{Workers: workers})
			require.NoError(t, err)
			lines := decodeLines(t, out.Bytes())
			require.Len(t, lines, 3000)
			for i, l := range lines {
				require.Equal(t, fmt.Sprintf("GEN-%06d", i), l.Referral)
			}
			assert.Equal(t, 3000, sum.Lines)
			assert.Equal(t, 3000, sum.Eligible+sum.Ineligible+sum.Incomplete+sum.Invalid)
			assert.Positive(t, sum.Eligible)
			assert.Positive(t, sum.Ineligible)
			assert.Positive(t, sum.Incomplete)
		})
	}
}

// The same input gives the same output, byte for byte, sequentially and
// concurrently.
func TestDeterministic(t *testing.T) {
	in := corpus(t, 500, 11)
	var one, many bytes.Buffer
	_, err := batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), &one, batch.Options{Workers: 1})
	require.NoError(t, err)
	_, err = batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), &many, batch.Options{Workers: 4})
	require.NoError(t, err)
	assert.Equal(t, one.String(), many.String())
}

// A bad line becomes an invalid assessment naming its line, and the batch
// goes on.
func TestBadLines(t *testing.T) {
	good, err := json.Marshal(base(t))
	require.NoError(t, err)
	noVersion := base(t)
	noVersion["dateSent"] = "2019-01-01"
	old, err := json.Marshal(noVersion)
	require.NoError(t, err)
	noID := base(t)
	delete(noID, "id")
	anonymous, err := json.Marshal(noID)
	require.NoError(t, err)

	input := strings.Join([]string{
		string(good),                  // 1
		"not json {",                  // 2
		"",                            // 3: blank, skipped
		"[1, 2]",                      // 4
		`{"id": "X-1", "form": 7}`,    // 5
		string(old),                   // 6
		string(anonymous),             // 7
		"   ",                         // 8: blank, skipped
		strings.Repeat("x", 5<<20),    // 9: too long
		`{"id": "X-2", "oops": true,`, // 10: not finished
		string(good),                  // 11, without a final newline
	}, "\n")
	var out bytes.Buffer
	sum, err := batch.AssessLines(context.Background(), pathway.Default(), strings.NewReader(input), &out,
		batch.Options{Name: "in.jsonl", Workers: 3})
	require.NoError(t, err)
	lines := decodeLines(t, out.Bytes())
	tests := []struct {
		name     string
		referral string
		decision pathway.Decision
		line     int // the line named in the first problem; 0 for none
		code     string
	}{
		{name: "a good referral", referral: "KR-2024-0042", decision: pathway.Eligible},
		{name: "not JSON", referral: "line 2", decision: pathway.Invalid, line: 2, code: "not-a-referral"},
		{name: "not an object", referral: "line 4", decision: pathway.Invalid, line: 4, code: "not-a-referral"},
		{name: "a wrong type keeps the id", referral: "X-1", decision: pathway.Invalid, line: 5},
		{name: "no version in force on its date", referral: "KR-2024-0042", decision: pathway.Invalid, line: 6, code: "no-version-in-force"},
		{name: "no id", referral: "line 7", decision: pathway.Invalid, line: 7},
		{name: "too long", referral: "line 9", decision: pathway.Invalid, line: 9, code: "too-large"},
		{name: "unfinished", referral: "line 10", decision: pathway.Invalid, line: 10, code: "syntax"},
		{name: "the last line without a newline", referral: "KR-2024-0042", decision: pathway.Eligible},
	}
	require.Len(t, lines, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lines[i]
			assert.Equal(t, tt.referral, l.Referral)
			assert.Equal(t, tt.decision, l.Decision)
			if tt.line == 0 {
				assert.Empty(t, l.Problems)
				return
			}
			require.NotEmpty(t, l.Problems)
			for _, p := range l.Problems {
				assert.Equal(t, tt.line, p.Range.Start.Line, "every problem names the line")
				assert.Equal(t, "in.jsonl", p.Range.File)
				assert.Empty(t, p.Excerpt, "the line's text is never echoed")
			}
			if tt.code != "" {
				assert.Equal(t, tt.code, l.Problems[0].Code)
			}
		})
	}
	assert.Equal(t, batch.Summary{Lines: 9, Eligible: 2, Invalid: 7}, sum)
	assert.NotContains(t, out.String(), "Daniel", "no personal data is echoed")
}

func TestProgress(t *testing.T) {
	in := corpus(t, 200, 3)
	var mu sync.Mutex
	var seen []batch.Progress
	_, err := batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), &bytes.Buffer{}, batch.Options{
		Progress: func(p batch.Progress) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, p)
		},
	})
	require.NoError(t, err)
	require.Len(t, seen, 200)
	for i, p := range seen {
		assert.Equal(t, i+1, p.Lines)
		if i > 0 {
			assert.Greater(t, p.Bytes, seen[i-1].Bytes)
		}
	}
	assert.Equal(t, int64(len(in)), seen[len(seen)-1].Bytes)
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > 100<<10 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// A write error stops the batch with that error, without hanging.
func TestWriteError(t *testing.T) {
	in := corpus(t, 2000, 5)
	_, err := batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), &failingWriter{}, batch.Options{Workers: 2})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk full")
}

// A cancelled context stops the batch without hanging.
func TestCancel(t *testing.T) {
	in := corpus(t, 2000, 5)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := batch.AssessLines(ctx, pathway.Default(), bytes.NewReader(in), &bytes.Buffer{}, batch.Options{
		Progress: func(batch.Progress) {
			if n++; n == 10 {
				cancel()
			}
		},
	})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestEmptyInput(t *testing.T) {
	var out bytes.Buffer
	sum, err := batch.AssessLines(context.Background(), pathway.Default(), strings.NewReader("\n\n"), &out, batch.Options{})
	require.NoError(t, err)
	assert.Zero(t, sum.Lines)
	assert.Empty(t, out.String())
}

var (
	benchOnce  sync.Once
	benchInput []byte
)

const benchN = 20_000

func benchCorpus() []byte {
	benchOnce.Do(func() { benchInput = gen.Lines(benchN, 42) })
	return benchInput
}

// cpuTime is the process's CPU time so far, user and system, on every
// thread: the garbage collector's work included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBatch puts the pipeline beside its floor in one run. It
// assesses 20,000 generated referrals (one to four victims, children, risk
// assessments, about one in twenty invalid, some incomplete) through the
// JSON Lines path (decode, validate, assess, encode, in order) on every
// core, then runs the floor over the same lines: a naive hand-written
// program that decodes each line with encoding/json, applies kent's six
// eligibility rules by hand and writes a small JSON line, on one
// goroutine. It reports, for both, process CPU time per referral and
// referrals per second of wall time, and the ratio of their CPU times:
//
//	go test ./batch -run '^$' -bench BenchmarkBatch -benchtime 3x -count 6
func BenchmarkBatch(b *testing.B) {
	in := benchCorpus()
	pack := pathway.Default()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	runtime.GC()
	b.ResetTimer()
	cpu0, wall0 := cpuTime(), time.Now()
	runs := 0
	for b.Loop() {
		if _, err := batch.AssessLines(context.Background(), pack, bytes.NewReader(in), discard{}, batch.Options{}); err != nil {
			b.Fatal(err)
		}
		runs++
	}
	cpu, wall := cpuTime()-cpu0, time.Since(wall0)
	b.StopTimer()
	n := float64(runs * benchN)

	runtime.GC()
	fcpu0, fwall0 := cpuTime(), time.Now()
	for range runs {
		if _, err := floor(bytes.NewReader(in), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	fcpu, fwall := cpuTime()-fcpu0, time.Since(fwall0)

	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/referral")
	b.ReportMetric(n/wall.Seconds(), "referrals/s")
	b.ReportMetric(float64(fcpu.Microseconds())/n, "floor-cpu-µs/referral")
	b.ReportMetric(n/fwall.Seconds(), "floor-referrals/s")
	b.ReportMetric(float64(cpu)/float64(fcpu), "cpu-ratio")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Assessed sees every assessment written, with its line; when it fails,
// the batch stops with its error and that line is not written.
func TestAssessed(t *testing.T) {
	in := append(corpus(t, 50, 3), []byte("\nnot json\n")...) // line 51 blank, 52 bad
	tests := []struct {
		name      string
		failAt    int // the line whose Assessed call fails; 0 for none
		wantLines int
	}{
		{name: "every line seen", wantLines: 51},
		{name: "a failure stops the batch", failAt: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := map[int]pathway.Decision{}
			var out bytes.Buffer
			errStop := errors.New("cannot record the decision")
			sum, err := batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), &out, batch.Options{
				Workers: 2,
				Assessed: func(line int, a *pathway.Assessment) error {
					if line == tt.failAt {
						return errStop
					}
					mu.Lock()
					defer mu.Unlock()
					seen[line] = a.Decision
					return nil
				},
			})
			var written []line
			if out.Len() > 0 {
				written = decodeLines(t, out.Bytes())
			}
			if tt.failAt == 0 {
				require.NoError(t, err)
				assert.Len(t, seen, tt.wantLines)
				assert.Len(t, written, tt.wantLines)
				assert.Equal(t, pathway.Invalid, seen[52], "the bad line is seen at its number")
				assert.NotContains(t, seen, 51, "blank lines are skipped")
				assert.Equal(t, tt.wantLines, sum.Lines)
				return
			}
			require.ErrorIs(t, err, errStop)
			assert.Contains(t, err.Error(), fmt.Sprintf("line %d", tt.failAt))
			assert.Less(t, len(written), tt.failAt, "nothing from the failed line on is written")
			// What is written is every line up to a point, in order, each seen.
			for i, l := range written {
				assert.Equal(t, fmt.Sprintf("GEN-%06d", i), l.Referral, "what is written is in order")
				assert.Contains(t, seen, i+1, "what is written was seen")
			}
			assert.Equal(t, len(written), sum.Lines)
		})
	}
}
