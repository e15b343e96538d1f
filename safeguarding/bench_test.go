package safeguarding_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/referral"
)

// BenchmarkActions works out the actions of one referral with two victims
// and two children under the default pack's policy:
//
//	go test -run XXX -bench Actions -benchmem ./safeguarding
func BenchmarkActions(b *testing.B) {
	p := loadPolicy(b)
	data, err := os.ReadFile("../examples/referrals/hr-several-victims-children.json")
	require.NoError(b, err)
	r, problems := referral.Read("hr.json", data)
	require.Empty(b, problems)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Actions(context.Background(), r, r.DateSent)
	}
}

// BenchmarkRedact makes the provider's view of the same referral.
func BenchmarkRedact(b *testing.B) {
	p := loadPolicy(b)
	data, err := os.ReadFile("../examples/referrals/hr-several-victims-children.json")
	require.NoError(b, err)
	r, _ := referral.Read("hr.json", data)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.Redact(r, "provider")
	}
}
