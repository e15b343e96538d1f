package main

import (
	"os"
	"runtime/debug"
)

// The garbage collector's pace suits the work of each command. Either is
// left alone when GOGC is set, so that an operator can always choose.

// leanHeap has the garbage collector run at half the heap growth Go's
// default allows. An event log's cases are remembered for the whole of one
// pass (see docs/events.md), so the heap grows steadily and the default
// lets the process reach twice what is in use; with this, a report over
// 1,000,000 events of 250,000 cases stays under 60 MB, at no cost in time
// measured.
func leanHeap() { setGCPercent(50) }

// roomyHeap lets the heap grow to five times what is in use before the
// garbage collector runs, instead of Go's default two. A batch of
// referrals keeps little in use (the lines in flight) but allocates for
// every referral, so at the default pace the collector runs every few
// hundred referrals and takes a large share of the time; at this pace
// check --jsonl uses about a quarter less CPU time, and its memory stays
// flat at about 40 MB (docs/performance.md).
func roomyHeap() { setGCPercent(400) }

func setGCPercent(percent int) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(percent)
	}
}
