package referral

import (
	"testing"

	"github.com/saferpath/pathway/internal/corpus"
)

// BenchmarkValidate validates referrals of the generated corpus, decoded
// beforehand, with a pack's own score ranges.
func BenchmarkValidate(b *testing.B) {
	var refs []*Referral
	for i := range 200 {
		if r, _ := Decode("corpus", corpus.Line(i, 1)); r != nil {
			refs = append(refs, r)
		}
	}
	opt := WithScoreRanges(DefaultScoreRanges())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = refs[i%len(refs)].Validate(opt)
	}
}
