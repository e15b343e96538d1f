// Command agency shows how a case system embeds Pathway: load the rule pack
// once at start-up, then assess referrals as they arrive, from as many
// goroutines as the system likes, and act on the decision and the
// victim-safety actions.
//
//	go run ./examples/agency examples/referrals/*.json
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
)

// outcome is what the case system records for one referral.
type outcome struct {
	file       string
	assessment *pathway.Assessment
	err        error
}

func main() {
	files := os.Args[1:]
	if len(files) == 0 {
		files = []string{"examples/referrals/hr-eligible.json"}
	}
	// Compile once: a Pack is immutable and safe for concurrent use.
	pack := pathway.Default()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	results := make([]outcome, len(files))
	var wg sync.WaitGroup
	for i, file := range files {
		wg.Go(func() {
			results[i] = assess(context.Background(), pack, file)
		})
	}
	wg.Wait()

	for _, res := range results {
		if res.err != nil {
			// Errors never carry personal data, so they can be logged.
			logger.Error("cannot assess", "file", res.file, "err", res.err)
			continue
		}
		a := res.assessment
		fmt.Printf("%s: referral %s is %s under %s %s\n", res.file, a.Referral, a.Decision, a.Pack.Name, a.Pack.Version)
		switch a.Decision {
		case pathway.Eligible:
			fmt.Printf("  offer: %v\n", a.ProgrammeIDs())
		case pathway.Incomplete:
			fmt.Printf("  ask the referrer for: %v\n", a.Missing)
		case pathway.Ineligible:
			fmt.Printf("  not suitable: %v\n", a.Failed)
		case pathway.Invalid:
			for _, p := range a.Problems {
				fmt.Printf("  return to referrer: %s: %s\n", p.Path, p.Summary)
			}
		}
		// Safety does not wait for eligibility: every decision has its
		// actions, even an invalid form.
		for _, act := range a.Actions {
			fmt.Printf("  action %s for %s within %d day(s)\n", act.ID, act.Owner, act.DueWithinDays)
		}
	}
}

func assess(ctx context.Context, pack *pathway.Pack, file string) outcome {
	data, err := os.ReadFile(file)
	if err != nil {
		return outcome{file: file, err: err}
	}
	r, problems := referral.Read(file, data)
	if r == nil {
		return outcome{file: file, err: problems}
	}
	// The referral logs as [redacted] wherever it holds personal data.
	slog.Debug("assessing", "subject", r.Subject.Name)
	a, err := pack.Assess(ctx, r, pathway.WithProblems(problems))
	return outcome{file: file, assessment: a, err: err}
}
