package programmes_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
)

// benchEvents is the size of the generated log BenchmarkLedger replays.
const benchEvents = 100_000

// benchLog generates a valid event log of exactly n lines: cases over the
// 2022-08 funding window, each case's lines in order, cases interleaved.
func benchLog(tb testing.TB, n int) []byte {
	rng := rand.New(rand.NewPCG(7, 11))
	var cs [][]string
	total := 0
	for batch := 0; total < n; batch++ {
		cases := generateCases(rng, fmt.Sprintf("b%d.", batch), 1000, referral.MustDate("2022-08-01"), 960)
		for _, c := range cases {
			if total+len(c) > n {
				c = c[:n-total] // a case's first lines are a valid case too
			}
			cs = append(cs, c)
			total += len(c)
			if total == n {
				break
			}
		}
	}
	lines := interleave(rng, cs)
	require.Len(tb, lines, n)
	return []byte(strings.Join(lines, "\n") + "\n")
}

// BenchmarkLedger replays 100,000 generated events into a capacity ledger:
// read-and-replay reads and checks the log (outcomes.ReadEvents), keeps
// the events that bear on places and replays them; replay replays an
// already read History. Both report ns/event over all 100,000 events.
//
//	go test -run XXX -bench BenchmarkLedger -benchmem -count 6 ./programmes/
func BenchmarkLedger(b *testing.B) {
	data := benchLog(b, benchEvents)
	cat := kent(b, "2022-08")
	on := referral.MustDate("2025-03-31")
	h, problems := programmes.ReadHistory("bench.jsonl", bytes.NewReader(data))
	require.False(b, problems.HasErrors(), "%v", problems)
	l, _ := h.Replay(cat, on)
	require.NotZero(b, l.Accounts()[0].Used)

	perEvent := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchEvents, "ns/event")
	}
	b.Run("read-and-replay", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			h, _ := programmes.ReadHistory("bench.jsonl", bytes.NewReader(data))
			h.Replay(cat, on)
		}
		perEvent(b)
	})
	b.Run("replay", func(b *testing.B) {
		for b.Loop() {
			h.Replay(cat, on)
		}
		perEvent(b)
	})
}
