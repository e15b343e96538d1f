// Package policydoc writes a rule pack as a policy document in Markdown, for
// the people who approve the rules: per version, its dates and sources, its
// criteria and exclusions, its programmes with their figures, and its
// safety actions, each with its wording, its condition as written and
// where it comes from. The document is generated, so it always says what
// the rules do.
package policydoc

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
	"github.com/saferpath/pathway/safeguarding"
)

// Write writes pack p as Markdown to w: the latest version first. The
// output depends only on the pack's files, so a document kept beside the
// rules can be checked for being up to date.
func Write(w io.Writer, p *pathway.Pack) error {
	var b strings.Builder
	versions := p.Versions()
	slices.Reverse(versions)
	fmt.Fprintf(&b, "# Rule pack %s\n\n", code(p.Name()))
	fmt.Fprintf(&b, "This document is generated from the rule pack by `pathway docs`; do not edit it by hand.\n")
	fmt.Fprintf(&b, "It describes %d version(s), the latest first. Each version is in force from its first to its last day, both inclusive;\n", len(versions))
	b.WriteString("a referral is assessed under the version in force on the date it was sent.\n\n")
	b.WriteString("| version | in force | title |\n|---|---|---|\n")
	for _, v := range versions {
		fmt.Fprintf(&b, "| [%s](#%s) | %s to %s | %s |\n", cell(v.Version), anchor("Version "+v.Version), long(v.Effective.From), long(v.Effective.To), cell(v.Title))
	}
	for _, v := range versions {
		writeVersion(&b, v)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeVersion(b *strings.Builder, v *pathway.Version) {
	fmt.Fprintf(b, "\n## Version %s\n\n", inline(v.Version))
	fmt.Fprintf(b, "**%s**\n\n", inline(v.Title))
	fmt.Fprintf(b, "- In force: %s to %s (both inclusive).\n", long(v.Effective.From), long(v.Effective.To))
	fmt.Fprintf(b, "- Sources: %s\n", inline(v.Source))
	fmt.Fprintf(b, "- Rule files: %s\n", code(v.Dir))
	if v.Eligibility != nil {
		b.WriteString("\n### Referral criteria\n\nEvery criterion must be met, unless a programme open to the referral waives it.\n")
		for _, r := range v.Eligibility.Criteria {
			writeRule(b, &r.Rule, "Met when")
		}
		b.WriteString("\n### Exclusions\n\nA referral to which any exclusion applies is not suitable.\n")
		for _, r := range v.Eligibility.Exclusions {
			writeRule(b, &r.Rule, "Applies when")
		}
	}
	if v.Programmes != nil {
		writeProgrammes(b, v.Programmes, v)
	}
	if v.Safeguarding != nil {
		writeSafeguarding(b, v.Safeguarding)
		writeSharing(b, v.Safeguarding.Sharing)
	}
	if len(v.Outcomes) > 0 {
		b.WriteString("\n### Outcome metrics\n\nEvery outcome report has the standard figures (referrals, assessments, allocations, starts, completions, ")
		b.WriteString("partial completions, withdrawals, sessions attended, victims and children supported, mean days in service, ")
		b.WriteString("completion rate and score changes). This version adds:\n\n| metric | unit | what it counts |\n|---|---|---|\n")
		for _, m := range v.Outcomes {
			fmt.Fprintf(b, "| %s (%s) | %s | %s |\n", cell(m.Title), cellCode(m.ID), cell(string(m.Unit)), cell(m.Description))
		}
	}
}

// writeSharing writes which role sees which class of data.
func writeSharing(b *strings.Builder, s *safeguarding.Sharing) {
	if s == nil {
		return
	}
	b.WriteString("\n### Information sharing\n\nAll programmes are confidential, but information about risk and safeguarding is shared. ")
	b.WriteString("Each role sees only these classes of a referral's data:\n\n| role | sees |\n|---|---|\n")
	for _, role := range safeguarding.Roles() {
		classes, _ := s.Sees(string(role))
		names := make([]string, len(classes))
		for i, c := range classes {
			names[i] = string(c)
		}
		fmt.Fprintf(b, "| %s | %s |\n", cell(string(role)), orNone(cell(strings.Join(names, ", "))))
	}
}

func writeRule(b *strings.Builder, r *rule.Rule, when string) {
	fmt.Fprintf(b, "\n#### %s (%s)\n\n", inline(r.Title), code(r.ID))
	fmt.Fprintf(b, "%s\n\n", para(r.Description))
	fmt.Fprintf(b, "%s:\n\n%s\n", when, fenced(r.When))
	fmt.Fprintf(b, "- Reason given: %s\n", inline(r.Because))
	fmt.Fprintf(b, "- Source: %s\n", inline(r.Source))
	fmt.Fprintf(b, "- Written at: %s\n", code(r.Origin()))
}

func writeProgrammes(b *strings.Builder, c *programmes.Catalogue, v *pathway.Version) {
	b.WriteString("\n### Programmes\n\nAn eligible referral is offered every programme whose condition holds and that waives every criterion it does not meet.\n\n")
	b.WriteString("| programme | addresses | delivery | sessions | session length | facilitators | places | funded |\n|---|---|---|---|---|---|---|---|\n")
	for _, p := range c.Programmes {
		places := "no fixed number"
		switch {
		case p.IsGroup():
			n, _ := p.Capacity()
			places = fmt.Sprintf("%d groups of up to %d (%d)", p.Groups, p.GroupSize, n)
		case p.Places > 0:
			places = strconv.Itoa(p.Places)
		}
		fmt.Fprintf(b, "| %s (%s) | %s | %s | %s | %s | %s | %s | %s to %s |\n", cell(p.Title), cellCode(p.ID), cell(string(p.Addresses)), cell(string(p.Delivery)),
			orDash(p.Sessions), hours(p.SessionHours), orDash(p.Facilitators), places, long(p.Funding.From), long(p.Funding.To))
	}
	for _, p := range c.Programmes {
		fmt.Fprintf(b, "\n#### %s (%s)\n\n", inline(p.Name), code(p.ID))
		fmt.Fprintf(b, "%s\n\n", para(p.Description))
		if p.Model != "" {
			fmt.Fprintf(b, "- Model: %s\n", inline(p.Model))
		}
		if p.Staff != "" {
			fmt.Fprintf(b, "- Staff: %s\n", inline(p.Staff))
		}
		if len(p.Waives) > 0 {
			fmt.Fprintf(b, "- Waives the criteria: %s\n", titled(p.Waives, v))
		}
		fmt.Fprintf(b, "- Suits a referral when:\n\n%s\n", fenced(p.When))
		fmt.Fprintf(b, "- Reason given: %s\n", inline(p.Because))
		fmt.Fprintf(b, "- Source: %s\n", inline(p.Source))
		fmt.Fprintf(b, "- Written at: %s\n", code(p.Origin()))
	}
}

func writeSafeguarding(b *strings.Builder, s *safeguarding.Policy) {
	b.WriteString("\n### Safety actions\n\nActions are worked out for every referral, whatever the decision, and for an invalid form from whatever could be read. ")
	b.WriteString("A victim-level action is raised once for each victim it applies to, a child-level one once for each child.\n\n")
	b.WriteString("| action | for | owner | due | tell | if it cannot be decided |\n|---|---|---|---|---|---|\n")
	for _, t := range s.Triggers {
		fmt.Fprintf(b, "| %s (%s) | %s | %s | %s | %s | %s |\n", cell(t.Title), cellCode(t.ID), scope(t.Scope), cell(t.Owner), due(t.DueWithinDays),
			orNone(cell(strings.Join(t.Tell, ", "))), ifUnknown(t))
	}
	for _, t := range s.Triggers {
		fmt.Fprintf(b, "\n#### %s (%s)\n\n", inline(t.Title), code(t.ID))
		fmt.Fprintf(b, "%s\n\n", para(t.Description))
		fmt.Fprintf(b, "Raised when:\n\n%s\n", fenced(t.When))
		fmt.Fprintf(b, "- Instruction to the %s: %s\n", inline(t.Owner), inline(t.Text))
		if t.IfUnknown == safeguarding.Establish {
			fmt.Fprintf(b, "- When it cannot be decided (%s): %s\n", code(safeguarding.EstablishPrefix+t.ID), inline(establishText(t)))
		}
		fmt.Fprintf(b, "- Reason given: %s\n", inline(t.Because))
		fmt.Fprintf(b, "- Source: %s\n", inline(t.Source))
		fmt.Fprintf(b, "- Written at: %s\n", code(t.Origin()))
	}
	if len(s.Instruments) > 0 {
		b.WriteString("\n### Risk instruments\n\n| instrument | scores | visible high risk at |\n|---|---|---|\n")
		for _, in := range s.Instruments {
			rng := fmt.Sprintf("%d to %d", in.Range.Min, in.Range.Max)
			if in.Range.Max == referral.Unbounded {
				rng = fmt.Sprintf("%d or more", in.Range.Min)
			}
			th := "no threshold"
			if in.HasThreshold {
				th = strconv.Itoa(in.Threshold)
			}
			fmt.Fprintf(b, "| %s (%s) | %s | %s |\n", cell(in.Title), cellCode(string(in.ID)), rng, th)
		}
	}
	m := s.MARAC
	b.WriteString("\n### MARAC referral criteria\n\n")
	var crit []string
	if m.VisibleHighRisk {
		crit = append(crit, "visible high risk: a score at or above its instrument's threshold")
	}
	if m.ProfessionalJudgement {
		crit = append(crit, "professional judgement")
	}
	if m.EscalationIncidents > 0 {
		crit = append(crit, fmt.Sprintf("potential escalation: %d or more incidents in %d months", m.EscalationIncidents, m.EscalationMonths))
	}
	if len(crit) == 0 {
		b.WriteString("None are set.\n")
	}
	for _, c := range crit {
		fmt.Fprintf(b, "- %s\n", c)
	}
	if m.Source != "" {
		fmt.Fprintf(b, "\nSource: %s\n", inline(m.Source))
	}
}

// establishText is the instruction to find out a trigger's missing answers.
func establishText(t *safeguarding.Trigger) string {
	if t.EstablishText != "" {
		return t.EstablishText
	}
	return "find out the missing answers, then decide."
}

func ifUnknown(t *safeguarding.Trigger) string {
	switch t.IfUnknown {
	case safeguarding.Act:
		return "act anyway"
	case safeguarding.Ignore:
		return "nothing"
	}
	return "establish the answers"
}

func scope(s safeguarding.Scope) string {
	switch s {
	case safeguarding.ScopeVictim:
		return "each victim"
	case safeguarding.ScopeChild:
		return "each child"
	}
	return "the referral"
}

func due(days int) string {
	switch days {
	case 0:
		return "the same day"
	case 1:
		return "within 1 day"
	}
	return fmt.Sprintf("within %d days", days)
}

func long(d referral.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Time().Format("2 January 2006")
}

func hours(h float64) string {
	if h == 0 {
		return "—"
	}
	return strconv.FormatFloat(h, 'f', -1, 64) + " h"
}

func orDash(n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.Itoa(n)
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// titled names each rule of v by its title and id, "Title (`id`)",
// separated by semicolons (a title may hold a comma).
func titled(ids []string, v *pathway.Version) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = code(id)
		if t := v.TitleOf(id); t != "" && t != id {
			out[i] = inline(t) + " (" + code(id) + ")"
		}
	}
	return strings.Join(out, "; ")
}
