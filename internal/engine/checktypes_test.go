package engine

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCompileConcurrently compiles rules against one schema from several
// goroutines at once, as a pack's files and versions are: run with -race,
// it fails if they share expr's configuration, which its checker writes
// to as it goes.
func TestCompileConcurrently(t *testing.T) {
	texts := []string{
		`subject.acceptsResponsibility in ["some", "full"]`,
		`any(victims, .relationship in ["partner", "ex-partner"]) && riskAssessment.score >= 14`,
		`daysBetween(today, subject.nextCourtDate) <= 84`,
		`len(filter(children, .livesWithSubject == true)) > 0`,
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				for _, text := range texts {
					_, problems := Compile(text, ReferralSchema(), Source{})
					require.Empty(t, problems, text)
				}
			}
		})
	}
	wg.Wait()
}
