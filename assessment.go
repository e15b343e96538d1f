package pathway

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

// Decision is the outcome of an assessment.
type Decision string

// Decisions.
const (
	// Eligible: no exclusion applies, every criterion is met or waived by
	// a programme offered, and every rule could be decided.
	Eligible Decision = "eligible"
	// Ineligible: an exclusion applies, or a criterion fails that no
	// programme open to the referral waives.
	Ineligible Decision = "ineligible"
	// Incomplete: not ineligible, but a rule cannot be decided because an
	// answer it needs is missing.
	Incomplete Decision = "incomplete"
	// Invalid: the form failed validation; only safeguarding was
	// evaluated.
	Invalid Decision = "invalid"
)

// Stamp names the pack version an assessment was made under, and the
// engine (the version of this module) that made it, so that a decision can
// be reproduced.
type Stamp struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Digest  string `json:"digest"`
	// Engine is the version of the Pathway module that decided; see
	// EngineVersion.
	Engine string `json:"engine"`
}

// RuleResult is one rule's outcome, explained.
type RuleResult struct {
	ID string `json:"id"`
	// Kind is criterion, exclusion or programme (a programme's condition).
	Kind string `json:"kind"`
	// Outcome is pass, fail or unknown. A criterion passes when met; an
	// exclusion fails when it applies; a programme's condition passes
	// when the programme suits the referral.
	Outcome string `json:"outcome"`
	// Reason is a plain-English sentence.
	Reason string `json:"reason"`
	// Reads holds the answers the rule looked at, sorted by JSON path,
	// except personal identifiers, which are never echoed. A missing
	// answer's value is nil. It marshals to a JSON object keyed by path.
	Reads Reads `json:"reads"`
	// Source is where the rule's condition is written, file:line:col.
	Source string `json:"source"`
	// Missing lists the answers that would decide an unknown outcome.
	Missing []string `json:"missing,omitempty"`

	title string
}

// Offer is a programme offered to an eligible referral.
type Offer struct {
	ID      string   `json:"id"`
	Reasons []string `json:"reasons"`

	name string
}

// Assessment is the result of assessing one referral. It marshals to the
// assessment JSON that partner systems read (wire format: docs/assessment.md), with
// these additions, each of which a reader of §3 may ignore:
//
//   - rules also lists each programme's condition, with kind "programme"
//     (pass when the programme suits the referral); failed, unknown and
//     missing speak only of criteria and exclusions;
//   - a rule result has "missing", the answers that would decide it, when
//     its outcome is unknown;
//   - an action has "tell", the roles that must be told (the safeguarding
//     exception to confidentiality), "child" for child-level actions, and,
//     when a trigger could not be decided for want of an answer, the id
//     "establish-" + the trigger's id with "missing" listing the answers to
//     find out (see package safeguarding).
//
// An invalid referral's problems carry no source line (excerpt): a line of
// a referral may hold a personal detail.
type Assessment struct {
	Referral string        `json:"referral"`
	Pack     Stamp         `json:"pack"`
	At       referral.Date `json:"at"`
	Decision Decision      `json:"decision"`
	// Problems says why an invalid referral is invalid.
	Problems diag.List `json:"problems"`
	// Failed lists the criteria not met and the exclusions that apply.
	Failed []string `json:"failed"`
	// Unknown lists the criteria and exclusions that cannot be decided.
	Unknown []string `json:"unknown"`
	// Missing lists the paths of the answers that would decide them.
	Missing    []string     `json:"missing"`
	Rules      []RuleResult `json:"rules"`
	Programmes []Offer      `json:"programmes"`
	Actions    []Action     `json:"actions"`

	// version is the pack version that made the assessment, for the
	// titles of its rules, programmes and actions (TitleOf); nil for an
	// assessment decoded from JSON.
	version *Version
}

// Action is a victim-safety action for the partnership to take: its id,
// owner, victim or child index, deadline, instruction, the roles that must
// be told, and for an undecided trigger the missing answers.
type Action = safeguarding.Action

func newAssessment(id string, v *Version, at referral.Date) *Assessment {
	return &Assessment{
		Referral: id, Pack: Stamp{Name: v.Name, Version: v.Version, Digest: v.Digest, Engine: EngineVersion()}, At: at,
		Problems: diag.List{}, Failed: []string{}, Unknown: []string{}, Missing: []string{},
		Rules: []RuleResult{}, Programmes: []Offer{}, Actions: []Action{},
	}
}

// ActionIDs lists the ids of the actions, without repeats, sorted.
func (a *Assessment) ActionIDs() []string {
	ids := make([]string, 0, len(a.Actions))
	for _, x := range a.Actions {
		ids = append(ids, x.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// ProgrammeIDs lists the ids of the programmes offered.
func (a *Assessment) ProgrammeIDs() []string {
	ids := make([]string, len(a.Programmes))
	for i, o := range a.Programmes {
		ids[i] = o.ID
	}
	return ids
}

// WriteText writes the assessment as a plain-English explanation for a
// referrer. It never prints a personal identifier. Every value that came
// from the referral or the rule pack (the referral's id, reasons, action
// texts) is written on its own line with its control characters,
// bidirectional controls and line breaks escaped (\u001b, \u202e, \n), so
// that no input can rewrite what a terminal shows.
func (a *Assessment) WriteText(w io.Writer) error {
	var b strings.Builder
	e := safetext.String
	id := e(a.Referral)
	if id == "" {
		id = "(no id)"
	}
	fmt.Fprintf(&b, "Referral %s: %s\n", id, strings.ToUpper(e(string(a.Decision))))
	fmt.Fprintf(&b, "Assessed under %s %s on %s.\n", e(a.Pack.Name), e(a.Pack.Version), a.At)
	fmt.Fprintf(&b, "\n%s\n", a.summary())
	if len(a.Problems) > 0 {
		b.WriteString("\nProblems with the form:\n")
		for _, d := range a.Problems {
			where := d.Path
			switch {
			case where == "":
				where = d.Range.String()
			case !d.Range.Start.IsZero():
				where += fmt.Sprintf(" (line %d, column %d)", d.Range.Start.Line, d.Range.Start.Column)
			}
			head := e(where)
			if d.Severity == diag.Warning {
				head = strings.TrimSpace("warning " + head)
			}
			if head != "" {
				head += ": "
			}
			fmt.Fprintf(&b, "  - %s%s\n", head, e(d.Summary))
			// The detail gives the allowed values and the fix, as
			// pathway validate does.
			for _, line := range strings.Split(strings.TrimSpace(d.Detail), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					fmt.Fprintf(&b, "      %s\n", e(line))
				}
			}
		}
	}
	section := func(title, kind string) {
		var rows []RuleResult
		for _, r := range a.Rules {
			if r.Kind == kind {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, r := range rows {
			mark := map[string]string{"pass": "[ok]  ", "fail": "[no]  ", "unknown": "[?]   "}[r.Outcome]
			if kind == "exclusion" {
				mark = map[string]string{"pass": "[ok]  ", "fail": "[applies]", "unknown": "[?]   "}[r.Outcome]
			}
			fmt.Fprintf(&b, "  %s %s\n", mark, e(r.explained()))
			if len(r.Reads) > 0 {
				var parts []string
				for _, rd := range r.Reads {
					parts = append(parts, fmt.Sprintf("%s = %s", e(rd.Path), e(show(rd.Value))))
				}
				fmt.Fprintf(&b, "         looked at: %s\n", strings.Join(parts, "; "))
			}
			if len(r.Missing) > 0 {
				fmt.Fprintf(&b, "         missing: %s\n", e(strings.Join(r.Missing, ", ")))
			}
		}
	}
	section("Criteria", "criterion")
	section("Exclusions", "exclusion")
	if a.Decision == Eligible {
		b.WriteString("\nProgrammes offered:\n")
		for _, o := range a.Programmes {
			name := o.name
			if name == "" {
				name = o.ID
			}
			fmt.Fprintf(&b, "  - %s (%s)\n", e(name), e(o.ID))
			for _, r := range o.Reasons {
				fmt.Fprintf(&b, "      %s\n", e(r))
			}
		}
		if len(a.Programmes) == 0 {
			b.WriteString("  none: no programme's conditions hold for this referral\n")
		}
	}
	b.WriteString("\nSafeguarding actions:\n")
	if len(a.Actions) == 0 {
		b.WriteString("  none\n")
	}
	for _, x := range a.Actions {
		who := ""
		switch {
		case x.Victim != nil:
			who = fmt.Sprintf(" for victim %d", *x.Victim+1)
		case x.Child != nil:
			who = fmt.Sprintf(" for child %d", *x.Child+1)
		}
		due := fmt.Sprintf("within %d days", x.DueWithinDays)
		switch x.DueWithinDays {
		case 0:
			due = "today"
		case 1:
			due = "within 1 day"
		}
		fmt.Fprintf(&b, "  - %s%s: %s (%s, %s)\n", e(a.Named(x.ID)), who, e(x.Text), e(x.Owner), due)
		if len(x.Tell) > 0 {
			fmt.Fprintf(&b, "      tell: %s\n", e(strings.Join(x.Tell, ", ")))
		}
		if len(x.Missing) > 0 {
			fmt.Fprintf(&b, "      missing: %s\n", e(strings.Join(x.Missing, ", ")))
		}
	}
	sw := safetext.NewWriter(w)
	if _, err := io.WriteString(sw, b.String()); err != nil {
		return err
	}
	return sw.Flush()
}

// summary says the decision in a sentence or two, naming rules and
// programmes by their titles, each with its id. Titles may hold commas, so
// a list of them is joined with semicolons.
func (a *Assessment) summary() string {
	switch a.Decision {
	case Invalid:
		return "The form cannot be processed until the problems below are corrected. Safeguarding actions are still listed: safety does not wait for a perfect form."
	case Ineligible:
		return fmt.Sprintf("Not suitable for referral: %s.", a.namedList(a.Failed))
	case Incomplete:
		return fmt.Sprintf("A decision needs more answers: %s. Until they are given, these cannot be decided: %s.",
			strings.Join(safetext.Strings(a.Missing), ", "), a.namedList(a.Unknown))
	}
	if len(a.Programmes) == 0 {
		return "Suitable for referral, but no programme's conditions hold for it."
	}
	return fmt.Sprintf("Suitable for referral. Offered: %s.", a.namedList(a.ProgrammeIDs()))
}

// namedList names each id as Named does, escaped, joined with semicolons.
func (a *Assessment) namedList(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = safetext.String(a.Named(id))
	}
	return strings.Join(out, "; ")
}

// explained is the rule's reason led by its title and id: "Accepts some
// responsibility (accepts-responsibility): met. ...". A reason is written
// "Title: verdict. Because"; one that does not start with the title is
// given after the title and id.
func (r RuleResult) explained() string {
	if r.title != "" {
		if rest, ok := strings.CutPrefix(r.Reason, r.title+":"); ok {
			return named(r.title, r.ID) + ":" + rest
		}
	}
	return named(r.title, r.ID) + ": " + r.Reason
}

func show(v any) string {
	switch v := v.(type) {
	case nil:
		return "(not answered)"
	case string:
		return fmt.Sprintf("%q", v)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprint(v)
}
