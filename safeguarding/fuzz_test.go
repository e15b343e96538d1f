package safeguarding_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

// FuzzParse feeds safeguarding.yaml files to Read: it must never panic, a
// policy and errors never come together, and a policy that loads must work
// out actions and views for a referral without panicking.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bad/*.yaml")
	seeds = append(seeds, "../rules/kent/2022-08/safeguarding.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("triggers:\n  - id: x\n    when: victim.name == \"a\"\n"))
	f.Add([]byte("{}"))
	r := base()
	r.Children = []referral.Child{{}}
	r.RiskAssessment.Score = nil
	f.Fuzz(func(t *testing.T, data []byte) {
		p, problems := safeguarding.Read("safeguarding.yaml", data)
		if p == nil {
			t.Fatal("Read gave no policy at all")
		}
		if problems.HasErrors() {
			return
		}
		_ = p.Actions(context.Background(), r, r.DateSent)
		for _, role := range safeguarding.Roles() {
			if _, err := p.Redact(r, string(role)); err != nil {
				t.Fatalf("role %s: %v", role, err)
			}
		}
	})
}
