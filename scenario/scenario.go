// Package scenario reads testers' scenario files, runs them against a rule
// pack, and measures how much of the pack they exercise.
//
// A scenario file (docs/scenarios.md) names a pack and lists cases. Each case takes a
// referral (a file, relative to the scenario file, or written inline), may
// override answers by JSON path with `set`, may assess it as on another date
// with `at`, and says what it expects:
//
//	pack: kent                  # the embedded pack, or a folder: ./draft
//	cases:
//	  - name: stalking referral with SPO goes to COBI
//	    referral: ../../examples/referrals/cobi-eligible.json
//	    set: {subject.mentalHealth: unmanaged, victims[0].consentsToContact: null}
//	    at: 2021-11-01
//	    expect:
//	      decision: ineligible
//	      failed: [mental-health-manageable]
//	      programmes: []
//	      actions: [spo-monitoring]
//
// Every expectation is optional; the lists (failed, unknown, missing,
// programmes, actions) are compared as exact sets, so `programmes: []`
// expects none, while leaving `programmes` out does not check them.
//
// Loading is strict, and every mistake in every file is reported at once,
// each at file:line:col with a "did you mean": unknown keys, a decision that
// is not one of eligible, ineligible, incomplete or invalid, rule, programme
// and action ids that no version of the pack has, `missing` paths and `set`
// paths that are not referral answers (or name a list item the referral does
// not have), and `set` values of the wrong kind or outside their
// enumeration. A `set` value must be a value its answer can take: to test an
// invalid form, write the referral inline or use a referral file. The
// referral itself is not checked at load: a referral with problems is an
// invalid referral, which a case may expect.
//
// Run assesses a case and compares; Test runs files as Go subtests; Coverage
// counts which rules the cases exercised.
package scenario

import (
	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// File is one loaded scenario file. It is immutable once loaded: its cases
// may be run concurrently.
type File struct {
	// Name is the file's name as shown in messages.
	Name string
	// Pack is the rule pack the cases are assessed under.
	Pack *pathway.Pack
	// Cases are the file's cases, in file order.
	Cases []*Case
}

// Case is one case of a scenario file.
type Case struct {
	// Name is the case's name.
	Name string
	// File and Line are where the case starts, for messages.
	File string
	Line int
	// At is the evaluation date; zero means the referral's dateSent.
	At referral.Date
	// Expect is what the case expects.
	Expect Expect

	pack     *pathway.Pack
	referral *referral.Referral // after `set`; never modified after load
	problems diag.List          // decoding problems of the referral
}

// Expect is what a case expects. A nil list is not checked; an empty one
// expects none.
type Expect struct {
	// Decision is expected when not empty.
	Decision pathway.Decision
	// Failed and Unknown are criterion and exclusion ids; Missing are
	// answer paths; Programmes and Actions are ids. Each is compared as a
	// set.
	Failed, Unknown, Missing, Programmes, Actions []string
}

// Decisions are the decisions a case may expect.
var Decisions = []string{string(pathway.Eligible), string(pathway.Ineligible), string(pathway.Incomplete), string(pathway.Invalid)}
