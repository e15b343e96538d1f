package outcomes

import (
	"bufio"
	"cmp"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/saferpath/pathway/referral"
)

const (
	benchEvents = 1_000_000
	benchCases  = 250_000
)

// benchLogs writes, once, a log of benchEvents events of benchCases cases
// in date order and the same lines shuffled, into PATHWAY_BENCH_DIR (kept,
// for measuring the CLI) or a temporary folder.
var benchLogs = sync.OnceValues(func() (ordered, shuffled string) {
	dir := os.Getenv("PATHWAY_BENCH_DIR")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "pathway-bench-"); err != nil {
			panic(err)
		}
	}
	ordered, shuffled = filepath.Join(dir, "events-1m.jsonl"), filepath.Join(dir, "events-1m-shuffled.jsonl")
	events := benchLog(benchCases)
	write := func(name string, order []int) {
		f, err := os.Create(name)
		if err != nil {
			panic(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var line []byte
		for _, i := range order {
			line = append(events[i].AppendJSON(line[:0]), '\n')
			_, _ = w.Write(line)
		}
		if err := w.Flush(); err != nil {
			panic(err)
		}
		_ = f.Close()
	}
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	write(ordered, order)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	write(shuffled, order)
	return ordered, shuffled
})

// peakHeap samples HeapInuse until stop is closed.
func peakHeap(stop <-chan struct{}, peak *atomic.Uint64, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	var ms runtime.MemStats
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}
}

// cpuTime returns the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReport computes a 2023/24 report over 1,000,000 events of
// 250,000 cases read from a file, in date order and shuffled line by
// line. It reports wall ns/event, CPU ns/event (user and system, all
// threads: the garbage collector's too), allocations per event and the
// peak heap in use (HeapInuse, sampled every 2 ms, with the heap collected
// before each report so that one report's garbage does not count in the
// next).
//
//	go test ./outcomes -run '^$' -bench BenchmarkReport -benchtime 2x -count 6
func BenchmarkReport(b *testing.B) {
	ordered, shuffled := benchLogs()
	for _, bc := range []struct{ name, file string }{{"date-order", ordered}, {"shuffled", shuffled}} {
		b.Run(bc.name, func(b *testing.B) { benchCompute(b, bc.file, benchEvents, benchCases) })
	}
}

// benchCompute measures Compute of the 2023/24 report over the log in
// file, which holds events events of cases cases, each run reading the
// file afresh: wall and CPU time per event, allocations per event, and the
// peak of the heap in use.
func benchCompute(b *testing.B, file string, events, cases int) {
	p := FinancialYear(2023)
	runtime.GC()
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go peakHeap(stop, &peak, done)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		c0 := cpuTime()
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		r, problems := Compute(file, f, p)
		_ = f.Close()
		if problems.HasErrors() || r == nil {
			b.Fatalf("problems: %v", problems[:min(len(problems), 5)])
		}
		if r.Cases != cases || r.Events != int64(events) {
			b.Fatalf("read %d cases and %d events", r.Cases, r.Events)
		}
		cpu += cpuTime() - c0
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	close(stop)
	<-done
	n := float64(b.N) * float64(events)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// benchLog makes the benchmarks' event log of cases cases, in date order.
// Each case has four events over three weeks; cases start over two years.
// Kinds of case: a start, a withdrawal before assessment, a victim
// supported and leaving, a pre and a post score.
func benchLog(cases int) []Event {
	base := referral.MustDate("2022-04-01")
	events := make([]Event, 0, 4*cases)
	progs := []string{"cobi", "healthy-relationships", "da-groupwork"}
	for c := range cases {
		id := "C-" + strconv.Itoa(100000+c)
		d := base.AddDays(c * 730 / cases)
		ev := func(t Type, days int) Event { return Event{Case: id, Type: t, On: d.AddDays(days)} }
		switch c % 4 {
		case 0:
			al := ev(Allocated, 7)
			al.Programme = progs[c%3]
			events = append(events, ev(Referred, 0), ev(Assessed, 3), al, ev(Started, 14))
		case 1:
			w := ev(Withdrawn, 10)
			w.Reason = ReasonDeclined
			vs := ev(VictimSupported, 1)
			vs.Victims = 1 + c%3
			events = append(events, ev(Referred, 0), vs, ev(Assessed, 3), w)
		case 2:
			vs := ev(VictimSupported, 1)
			vs.Victims, vs.Children = 2, c%2
			events = append(events, ev(Referred, 0), vs, ev(Assessed, 5), ev(VictimExited, 20))
		default:
			pre, post := ev(Score, 2), ev(Score, 21)
			pre.Instrument, pre.Phase, pre.Value = "perpetrator-risk", Pre, float64(20+c%20)
			post.Instrument, post.Phase, post.Value = "perpetrator-risk", Post, float64(8+c%10)
			events = append(events, ev(Referred, 0), pre, ev(Assessed, 4), post)
		}
	}
	slices.SortStableFunc(events, func(a, b Event) int { return cmp.Compare(a.On.Days(), b.On.Days()) })
	return events
}
