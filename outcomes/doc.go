// Package outcomes reads case events and turns them into the figures that
// commissioners report: referrals, assessments, starts, completions,
// withdrawals, victims supported, time in service, completion rate and
// change in risk scores, for a financial year, a quarter or any stretch of
// dates.
//
// # Events
//
// Case events are JSON Lines, one event a line (DESIGN.md §7):
//
//	{"case": "C-17", "type": "referred", "on": "2023-05-02"}
//	{"case": "C-17", "type": "allocated", "on": "2023-05-20", "programme": "cobi"}
//
// Decoding is strict: an unknown field, a field of the wrong type, a field
// that does not belong to the event's type, a missing field, a bad date or an
// unknown type is a problem at its line and column. Events are read one line
// at a time and never held in memory: ReadEvents calls a function for each
// good event, and Compute keeps only a small state for each case.
//
// # Lifecycle
//
// A case goes referred → assessed → allocated → started → session-attended…
// and ends once: completed, partially-completed or withdrawn. Withdrawn may
// come at any point after referred. victim-supported, victim-exited and
// score events may come at any point after referred, also after the case
// ended (support for victims outlives the programme). A victim-exited event
// ends support for every victim of the case still in service.
//
// Ordering rules:
//
//   - Lines for different cases may interleave freely; the file does not
//     have to be sorted as a whole.
//   - The lines of one case must be in date order. Events of one case on the
//     same date are taken in file order, so a case referred and assessed on
//     the same day has its referred line first.
//   - An event before the case's referred event, an event out of date order,
//     a stage skipped (allocated before assessed), a stage repeated, or a
//     second end is a problem naming the line, the case and what was
//     expected. After such a problem the case carries on from the stage the
//     event claims, so one missing line gives one problem, not a cascade.
//
// Every problem in a file is reported at once, as a diag.List. Events with
// a problem are not passed on, and Compute returns no report when there is
// any error: a report from a log with mistakes would publish a miscount.
//
// # Reports
//
// Compute reads an event log and returns a Report for a Period; the report
// writes itself as JSON (the DESIGN.md §7 contract), Markdown, CSV or one
// self-contained HTML page with SVG charts. Extra metrics, such as the ones a
// rule pack defines, are added with WithMetrics: see Metric and Measure.
package outcomes
