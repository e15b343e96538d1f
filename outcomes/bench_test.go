package outcomes

import (
	"bufio"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/saferpath/pathway/referral"
)

// writeEvents writes n events to w without holding them: cases go through
// the whole lifecycle in batches of 500 whose lines interleave, 24 events a
// case, with dates over about two years.
func writeEvents(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	base := referral.MustDate("2022-04-01")
	var line []byte
	written := 0
	emit := func(e Event) error {
		if written >= n {
			return nil
		}
		written++
		line = append(e.AppendJSON(line[:0]), '\n')
		_, err := bw.Write(line)
		return err
	}
	programmes := []string{"cobi", "healthy-relationships", "da-groupwork"}
	const batch = 500
	ids := make([]string, batch)
	for b := 0; written < n; b++ {
		start := base.AddDays((b * 9) % 700)
		for c := range ids {
			ids[c] = "C-" + strconv.Itoa(b*batch+c)
		}
		for stage := 0; stage < 24 && written < n; stage++ {
			for c := range batch {
				e := Event{Case: ids[c], On: start.AddDays(stage * 4)}
				switch {
				case stage == 0:
					e.Type = Referred
				case stage == 1:
					e.Type, e.Victims, e.Children = VictimSupported, 1+c%3, c%2
				case stage == 2:
					e.Type = Assessed
				case stage == 3:
					e.Type, e.Programme = Allocated, programmes[c%3]
				case stage == 4:
					e.Type = Started
				case stage == 5:
					e.Type, e.Instrument, e.Phase, e.Value = Score, "mirabel", Pre, float64(20+c%20)
				case stage < 21:
					e.Type = SessionAttended
				case stage == 21:
					switch c % 5 {
					case 0:
						e.Type, e.Reason = Withdrawn, ReasonDisengaged
					case 1:
						e.Type = PartiallyCompleted
					default:
						e.Type = Completed
					}
				case stage == 22:
					e.Type, e.Instrument, e.Phase, e.Value = Score, "mirabel", Post, float64(8+c%10)
				default:
					e.Type = VictimExited
				}
				if err := emit(e); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

// BenchmarkReport computes a 2023/24 report over 1,000,000 generated
// events streamed through a pipe. It reports ns/event, allocations per
// event and the peak live heap.
//
//	go test ./outcomes -run '^$' -bench BenchmarkReport -benchtime 5x
func BenchmarkReport(b *testing.B) {
	const events = 1_000_000
	p := FinancialYear(2023)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeEvents(pw, events)) }()
		r, problems := Compute("bench.jsonl", pr, p)
		if problems.HasErrors() || r == nil {
			b.Fatalf("problems: %v", problems[:min(len(problems), 5)])
		}
		if f, _ := r.Metric(MetricReferrals); f.Int() == 0 {
			b.Fatal("no referrals counted")
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	close(stop)
	<-done
	n := float64(b.N) * events
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}
