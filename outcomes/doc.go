// Package outcomes reads case events and turns them into the figures that
// commissioners report: referrals, assessments, starts, completions,
// withdrawals, victims supported, time in service, completion rate and
// change in scores, for a financial year, a quarter or any stretch of
// dates.
//
// # Events
//
// A case event log is JSON Lines, one event a line, or CSV with a header
// row naming the same fields (empty cells are absent fields), as case
// systems export them; the format is told from the content, or given with
// WithInputFormat. docs/events.md describes the format and Schema returns
// its JSON Schema.
//
//	{"case": "C-17", "type": "referred", "on": "2023-05-02"}
//	{"case": "C-17", "type": "allocated", "on": "2023-05-20", "programme": "cobi"}
//
// Decoding is strict: an unknown field, a field of the wrong type, a field
// that does not belong to the event's type, a missing field, a bad date or an
// unknown type is a problem at its line and column. A withdrawal reason is
// mapped to a reason code (the pack's, with their aliases); any other text
// counts as "other", with a warning that does not repeat it.
//
// # Order and lifecycle
//
// Lines may come in any order. A case's events are taken in date order,
// those of one day in Rank order (referred, assessed, allocated, started,
// session-attended, score, then the end; victims' events after), then in
// file order. A case goes referred → assessed → allocated → started →
// session-attended… and ends once: completed, partially-completed or
// withdrawn. Withdrawn may come at any point after referred.
// victim-supported, victim-exited and score events may come at any point
// after referred, also after the case ended. An event impossible for its
// case in that order (completed with no start, two starts, a second
// allocation while the first is open, a programme that is not the case's
// allocation) is an error at its line, reported once.
//
// A log whose cases are each in date order is read in one pass, with
// memory for its open cases (a few dozen bytes each); a log that is not is
// read twice when it is a file, holding only the events of the cases out of
// order (see ReadEventsTo).
//
// Every problem in a file is reported at once, as a diag.List. Events with
// a problem are not passed on, and Compute returns no report when there is
// any error: a report from a log with mistakes would publish a miscount.
//
// # Reports
//
// Compute reads an event log and returns a Report for a Period; the report
// writes itself as JSON, CSV, Markdown or one self-contained HTML page with
// charts (docs/reports.md). Reports people read (Markdown, HTML) name
// programmes, reasons and metrics by their titles, and every report says
// which pack version, engine version and date made it. A rule pack's
// outcomes.yaml (ReadDefinitions) adds metrics, names the withdrawal
// reasons and the score instruments.
package outcomes
