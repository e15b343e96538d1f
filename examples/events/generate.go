//go:build ignore

// Generate writes 2023-24.jsonl and the same events as 2023-24.csv: a
// fictional event log whose 2023/24 report reproduces the published figures
// (51 referrals, 25 assessments, 17 completed, 3 partially completed, 147
// victims supported, a mean of 300 days in service, and for those
// completing Healthy Relationships a 61% reduction in risk and a 44%
// increase in awareness of attitudes and behaviours on the Project Mirabal
// questionnaire). Every case id and date is made up; no event describes a
// real person.
//
// Run it from this folder:
//
//	go run generate.go
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/referral"
)

// log collects the events of every case, each case in lifecycle order.
type log struct {
	events []outcomes.Event
	next   int
}

func day(y int, m time.Month, d int) referral.Date { return referral.NewDate(y, m, d) }

func (l *log) add(e outcomes.Event) { l.events = append(l.events, e) }

// newCase returns the next case id.
func (l *log) newCase() string {
	l.next++
	return fmt.Sprintf("C-%03d", l.next)
}

// plan is one case's story.
type plan struct {
	referred      referral.Date
	assess        int // days after referral; 0 for never
	assessOn      referral.Date
	allocate      int
	allocateOn    referral.Date
	programme     string
	start         int // days after referral
	sessions      int
	end           outcomes.Type // "" for no end
	endOn         referral.Date
	reason        outcomes.Reason
	withdrawAfter int // days after referral
	victims       int
	children      int
	supportOn     referral.Date
	exitAfter     int  // days from support to exit; 0 for none
	scored        bool // Project Mirabal scores (Healthy Relationships only)
	risk, aware   [2]float64
	hasPost       bool
}

// The Project Mirabal questionnaire's two measures, named for what they
// measure.
const (
	risk      = "perpetrator-risk"
	awareness = "attitudes-awareness"
)

var programmes = []string{"healthy-relationships", "cobi", "da-groupwork", "healthy-relationships", "early-response"}

func (l *log) write(p plan) {
	c := l.newCase()
	ev := func(t outcomes.Type, on referral.Date) outcomes.Event {
		return outcomes.Event{Case: c, Type: t, On: on}
	}
	l.add(ev(outcomes.Referred, p.referred))
	support := p.supportOn
	if support.IsZero() {
		support = p.referred.AddDays(2)
	}
	e := ev(outcomes.VictimSupported, support)
	e.Victims, e.Children = p.victims, p.children
	l.add(e)
	if p.exitAfter > 0 {
		l.add(ev(outcomes.VictimExited, support.AddDays(p.exitAfter)))
	}
	if p.assess > 0 || !p.assessOn.IsZero() {
		on := p.assessOn
		if on.IsZero() {
			on = p.referred.AddDays(p.assess)
		}
		l.add(ev(outcomes.Assessed, on))
	}
	if p.allocate > 0 || !p.allocateOn.IsZero() {
		on := p.allocateOn
		if on.IsZero() {
			on = p.referred.AddDays(p.allocate)
		}
		e := ev(outcomes.Allocated, on)
		e.Programme = p.programme
		l.add(e)
	}
	score := func(on referral.Date, ph outcomes.Phase, k int) {
		for _, s := range []struct {
			id string
			v  float64
		}{{risk, p.risk[k]}, {awareness, p.aware[k]}} {
			e := ev(outcomes.Score, on)
			e.Instrument, e.Phase, e.Value = s.id, ph, s.v
			l.add(e)
		}
	}
	if p.start > 0 {
		started := p.referred.AddDays(p.start)
		// Case systems repeat the programme on the case's later events.
		e := ev(outcomes.Started, started)
		e.Programme = p.programme
		l.add(e)
		if p.scored {
			score(started, outcomes.Pre, 0)
		}
		for k := 1; k <= p.sessions; k++ {
			l.add(ev(outcomes.SessionAttended, started.AddDays(7*k)))
		}
	}
	switch p.end {
	case outcomes.Completed, outcomes.PartiallyCompleted:
		e := ev(p.end, p.endOn)
		e.Programme = p.programme
		l.add(e)
		if p.scored && p.hasPost {
			score(p.endOn, outcomes.Post, 1)
		}
	case outcomes.Withdrawn:
		w := ev(outcomes.Withdrawn, p.referred.AddDays(p.withdrawAfter))
		w.Reason = p.reason
		l.add(w)
	}
}

// The roles of the cases referred in 2023/24, by their index (in date
// order of referral).
const (
	waiting = iota
	finish
	withdrawnAssessed
	withdrawnReferred
	ongoing
	assessedLater
)

func role(i int) int {
	switch {
	case i < 10:
		return finish
	case i == 14 || i == 22 || i == 30:
		return withdrawnAssessed
	case i == 18 || i == 26 || i == 34 || i == 44:
		return withdrawnReferred
	case i >= 48:
		return assessedLater
	case i >= 35:
		return ongoing
	}
	return waiting
}

func main() {
	out := flag.String("o", "2023-24.jsonl", "JSON Lines file to write")
	outCSV := flag.String("csv", "2023-24.csv", "CSV file to write")
	flag.Parse()
	var l log
	// Project Mirabal scores of the 7 cases completing Healthy
	// Relationships in the year, before and after: risk 300 → 117, a change
	// of (117 − 300) / 300 = −61%; awareness 50 → 72, +44%.
	riskScores := [][2]float64{{40, 16}, {45, 18}, {38, 15}, {47, 18}, {42, 16}, {50, 20}, {38, 14}}
	awareScores := [][2]float64{{6, 9}, {8, 12}, {7, 10}, {9, 13}, {6, 9}, {7, 10}, {7, 9}}
	scored := 0
	completer := 0
	// mirabal gives a Healthy Relationships case its scores: those above
	// for a completer in the year, made-up ones for the others.
	mirabal := func(p *plan, completes bool) {
		if p.programme != "healthy-relationships" {
			return
		}
		p.scored = true
		if completes {
			p.risk, p.aware = riskScores[scored], awareScores[scored]
			scored++
			return
		}
		p.risk, p.aware = [2]float64{44, 30}, [2]float64{7, 8}
	}

	// 10 cases referred in January to March 2023 that finish in 2023/24:
	// 8 complete, 2 partially complete. Two victims each, leaving the
	// service 300 days after support began on average.
	offsets := []int{-60, 60, -30, 30, -45, 45, 0, 0, -15, 15}
	for j := range 10 {
		p := plan{
			referred: day(2023, time.January, 3).AddDays(5 * j),
			assess:   10, allocate: 20, start: 28, sessions: 10,
			programme: programmes[j%len(programmes)],
			victims:   2, children: j % 2, exitAfter: 300 + offsets[j],
		}
		if j == 9 {
			// Boundaries: assessed on the last day of 2022/23, allocated
			// on the first day of 2023/24.
			p.referred = day(2023, time.February, 20)
			p.assess, p.assessOn = 0, day(2023, time.March, 31)
			p.allocate, p.allocateOn = 0, day(2023, time.April, 1)
			p.start = 45
		}
		started := p.referred.AddDays(p.start)
		if j < 8 {
			p.end, p.endOn = outcomes.Completed, started.AddDays(7*p.sessions+1)
			p.hasPost = true
			completer++
		} else {
			p.sessions = 6
			p.end, p.endOn = outcomes.PartiallyCompleted, started.AddDays(7*6+3)
		}
		mirabal(&p, j < 8)
		l.write(p)
	}

	// 51 cases referred in 2023/24, from 1 April 2023 to 31 March 2024.
	victims := 0
	for i := range 51 {
		p := plan{
			referred:  day(2023, time.April, 1).AddDays(i * 365 / 50),
			programme: programmes[i%len(programmes)],
			victims:   3, children: (i * 7) % 3,
		}
		if i%9 == 1 {
			p.victims = 2
		}
		if i == 50 {
			p.supportOn = p.referred // support begins on the last day of the year
		}
		switch role(i) {
		case finish: // finish in the year: 9 complete, 1 partially
			p.assess, p.allocate, p.start, p.sessions = 10, 20, 28, 10
			started := p.referred.AddDays(p.start)
			if i < 9 {
				p.end, p.endOn = outcomes.Completed, started.AddDays(7*10+2)
				p.hasPost = true
				completer++
			} else {
				p.sessions = 7
				p.end, p.endOn = outcomes.PartiallyCompleted, started.AddDays(7*7+5)
			}
			switch i {
			case 0:
				p.exitAfter = 325
			case 2:
				p.exitAfter = 275
			case 1, 3, 4:
				p.exitAfter = 300
			default:
				p.exitAfter = 420 // leaves in 2024/25
			}
			mirabal(&p, i < 9)
		case withdrawnAssessed: // withdrawn after assessment
			p.assess = 10
			if i != 30 {
				p.allocate = 20
			}
			p.end, p.withdrawAfter = outcomes.Withdrawn, 30
			p.reason = []outcomes.Reason{outcomes.ReasonDisengaged, outcomes.ReasonMovedAway, outcomes.ReasonCustody}[i/8-1]
		case withdrawnReferred: // withdrawn before assessment
			p.end, p.withdrawAfter = outcomes.Withdrawn, 14
			p.reason = []outcomes.Reason{outcomes.ReasonDeclined, outcomes.ReasonDisengaged, outcomes.ReasonNoLongerEligible, outcomes.ReasonHealth}[i/8-2]
		case waiting: // referred, not taken further in the year
		case ongoing: // assessed in the year, still on the programme at its end
			p.assess, p.allocate, p.start, p.sessions = 10, 20, 28, 12
			started := p.referred.AddDays(p.start)
			p.end, p.endOn = outcomes.Completed, started.AddDays(7*12+2)
			if i == 36 {
				p.sessions = 10
				p.endOn = day(2024, time.April, 1) // the first day of 2024/25
			}
			p.hasPost = true
			mirabal(&p, false)
		default: // referred in March 2024, assessed in April 2024
			p.assess = 12
			if i == 48 {
				p.assess = 25
			}
			if i == 50 {
				p.assess = 1
			}
		}
		victims += p.victims
		l.write(p)
	}
	if victims != 147 || completer != 17 || scored != len(riskScores) {
		panic(fmt.Sprintf("victims %d, completers %d, scored %d", victims, completer, scored))
	}

	// Two cases referred in 2024/25, outside the year.
	for _, d := range []referral.Date{day(2024, time.April, 1), day(2024, time.April, 15)} {
		l.write(plan{referred: d, victims: 1})
	}

	// The log is sorted by date, as a case system would export it; the
	// events of one case on the same day keep their order.
	slices.SortStableFunc(l.events, func(a, b outcomes.Event) int { return a.On.Compare(b.On) })
	var b []byte
	var c bytes.Buffer
	w := csv.NewWriter(&c)
	_ = w.Write(outcomes.CSVHeader)
	for _, e := range l.events {
		b = append(e.AppendJSON(b), '\n')
		_ = w.Write(e.CSVRecord())
	}
	w.Flush()
	for _, f := range []struct {
		name string
		data []byte
	}{{*out, b}, {*outCSV, c.Bytes()}} {
		if err := os.WriteFile(f.name, f.data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
