package outcomes

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reportSizes are the sizes of event log BenchmarkReportSize reads.
var reportSizes = []struct {
	name   string
	events int
}{{"10k", 10_000}, {"100k", 100_000}, {"1m", 1_000_000}}

// sizedLog writes benchLog's log of events/4 cases (events events, in
// date order) into PATHWAY_BENCH_DIR
// (kept, for measuring the CLI) or a temporary folder removed after tb,
// and returns its name.
func sizedLog(tb testing.TB, events int) string {
	dir := os.Getenv("PATHWAY_BENCH_DIR")
	if dir == "" {
		dir = tb.TempDir()
	}
	name := filepath.Join(dir, fmt.Sprintf("events-%d.jsonl", events))
	evs := benchLog(events / 4)
	f, err := os.Create(name)
	require.NoError(tb, err)
	w := bufio.NewWriterSize(f, 1<<20)
	var line []byte
	for _, e := range evs {
		line = append(e.AppendJSON(line[:0]), '\n')
		_, _ = w.Write(line)
	}
	require.NoError(tb, w.Flush())
	require.NoError(tb, f.Close())
	return name
}

// BenchmarkReportSize computes a 2023/24 report over logs of 10,000,
// 100,000 and 1,000,000 events in date order, to show how the cost grows
// with the log: wall and CPU ns/event, allocations per event and the peak
// heap in use, measured as BenchmarkReport measures them.
//
//	go test ./outcomes -run '^$' -bench BenchmarkReportSize -count 6
func BenchmarkReportSize(b *testing.B) {
	for _, size := range reportSizes {
		name := sizedLog(b, size.events)
		b.Run("events="+size.name, func(b *testing.B) { benchCompute(b, name, size.events, size.events/4) })
	}
}

// TestSizedLog keeps BenchmarkReportSize honest on its smallest log:
// every event and case is read, and the 2023/24 report counts some of
// them.
func TestSizedLog(t *testing.T) {
	t.Setenv("PATHWAY_BENCH_DIR", "")
	events := reportSizes[0].events
	log := sizedLog(t, events)
	f, err := os.Open(log)
	require.NoError(t, err)
	defer f.Close()
	r, problems := Compute(log, f, FinancialYear(2023))
	require.False(t, problems.HasErrors(), "%v", problems)
	require.NotNil(t, r)
	assert.Equal(t, int64(events), r.Events)
	assert.Equal(t, events/4, r.Cases)
}
