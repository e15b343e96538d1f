package peers

import "testing"

// The referrals every benchmark cycles through: the valid ones among the
// first benchReferrals lines of the corpus for benchSeed.
const (
	benchReferrals = 1000
	benchSeed      = 1
)

// BenchmarkPeers times each peer deciding the six rules for one referral
// per operation:
//
//	go test -run '^$' -bench BenchmarkPeers -benchmem -count 6 . | tee peers.txt
//	benchstat peers.txt
func BenchmarkPeers(b *testing.B) {
	s, err := NewSet(benchReferrals, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range Names {
		p, err := New(name, s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, Bench(p, len(s.Referrals)))
	}
}
