// Command table times each peer as BenchmarkPeers does and prints a
// Markdown table: the median ns/op, B/op and allocs/op of -count runs,
// taken in turn so that a burst of load on the machine falls on every
// peer alike, and each median's ratio to hand-written Go.
//
//	go run ./cmd/table -count 6
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"testing"

	"github.com/saferpath/pathway/bench/peers"
)

// The corpus BenchmarkPeers uses.
const (
	referrals = 1000
	seed      = 1
)

func main() {
	testing.Init()
	count := flag.Int("count", 6, "runs of each peer; the table gives the medians")
	benchtime := flag.String("benchtime", "1s", "how long each run lasts, or Nx for N operations")
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		log.Fatal(err)
	}
	s, err := peers.NewSet(referrals, seed)
	if err != nil {
		log.Fatal(err)
	}
	type sample struct{ ns, bytes, allocs []float64 }
	samples := make([]sample, len(peers.Names))
	for range *count {
		for i, name := range peers.Names {
			p, err := peers.New(name, s)
			if err != nil {
				log.Fatal(err)
			}
			r := testing.Benchmark(peers.Bench(p, len(s.Referrals)))
			if r.N == 0 {
				log.Fatalf("%s: the benchmark failed", name)
			}
			samples[i].ns = append(samples[i].ns, float64(r.T.Nanoseconds())/float64(r.N))
			samples[i].bytes = append(samples[i].bytes, float64(r.AllocedBytesPerOp()))
			samples[i].allocs = append(samples[i].allocs, float64(r.AllocsPerOp()))
		}
	}
	floor := median(samples[len(samples)-1].ns)
	fmt.Fprintf(os.Stdout, "| peer | ns/op | B/op | allocs/op | × hand-written Go |\n|---|--:|--:|--:|--:|\n")
	for i, name := range peers.Names {
		ns := median(samples[i].ns)
		fmt.Fprintf(os.Stdout, "| %s | %.0f | %.0f | %.0f | %.1f |\n", name, ns, median(samples[i].bytes), median(samples[i].allocs), ns/floor)
	}
	fmt.Fprintf(os.Stdout, "\n%d valid referrals; runs of each peer: %d.\n", len(s.Referrals), *count)
}

func median(xs []float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
