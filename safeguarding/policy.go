// Package safeguarding holds a rule pack's victim-safety policy: the action
// triggers that say who must do what, and by when, to keep victims and
// children safe; the risk instruments (DASH and others) with their score
// ranges and MARAC thresholds; the MARAC referral criteria; and information
// sharing by role, with Redact to give each role its view of a referral.
//
// A pack version's policy is written in safeguarding.yaml and read by Read,
// which compiles every trigger's condition with the same engine, checks and
// diagnostics as eligibility: every mistake is reported at once, at
// file:line:col with its snippet.
//
// Actions are worked out for every referral, whatever the eligibility
// decision, and for an invalid referral from whatever could be read: safety
// does not wait for eligibility or for a perfect form. A trigger fires when
// its condition is true. When it cannot be decided because an answer is
// missing, the trigger's ifUnknown setting says what happens, so that a
// missing answer never drops a safety action silently:
//
//   - establish (the default): an action "establish-ID" asks the trigger's
//     owner to find out the missing answers, listed in the action, by the
//     same deadline;
//   - act: the action itself is taken, listing the missing answers (for
//     cheap, harmless actions such as signposting support services);
//   - ignore: nothing is listed (for triggers whose question is not asked
//     on every form; a pack must say so on purpose).
//
// A Policy is immutable once parsed and safe for concurrent use.
package safeguarding

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
)

// Policy is a pack version's safeguarding policy, compiled. It is immutable
// and safe for concurrent use.
type Policy struct {
	// Triggers are the action triggers, in file order.
	Triggers []*Trigger
	// Instruments are the risk instruments, in file order.
	Instruments []*Instrument
	// MARAC holds the criteria for a referral to a MARAC.
	MARAC MARAC
	// Sharing says which role sees which class of data.
	Sharing *Sharing
	// Seen lists the id of every trigger the file gives, where it is
	// written: a pack checks ids across its files with it.
	Seen []rule.Rule

	ranges map[referral.Instrument]referral.ScoreRange
}

// fileSpec is safeguarding.yaml as written.
type fileSpec struct {
	Instruments []instrumentSpec    `json:"instruments" jsonschema:"title=Risk instruments,minItems=1"`
	MARAC       *maracSpec          `json:"marac" jsonschema:"title=MARAC criteria"`
	Sharing     map[string][]string `json:"sharing" jsonschema:"title=Information sharing" jsonschema_description:"For each role, the classes of data it may see."`
	FreeText    map[string]string   `json:"freeText,omitempty" jsonschema:"title=Free text" jsonschema_description:"For a role that may not see victim details: withhold (the default) replaces free text with a note that the police co-ordinator shares it after reading it; scrub shows it with the identifiers the role may not see replaced (best effort)."`
	Triggers    []triggerSpec       `json:"triggers" jsonschema:"title=Action triggers,minItems=1"`
}

// parse reads a safeguarding.yaml file: its risk instruments, MARAC
// criteria, sharing policy and action triggers, compiling each trigger's
// condition. Every problem in the file is returned at once, each at its
// place in the file.
func parse(f *yamlsrc.File) (*Policy, diag.List) {
	if f == nil {
		return nil, diag.List{{Severity: diag.Error, Code: "internal", Summary: "No file to read",
			Detail: "The safeguarding policy was asked to read nothing. This is a fault in the program, not in the file."}}
	}
	var raw fileSpec
	pos, problems := yamlsrc.Decode(f, f.Root, "", &raw)
	p := &Policy{}
	p.Instruments, p.ranges = parseInstruments(f, pos, raw.Instruments, &problems)
	p.MARAC = parseMARAC(f, pos, raw.MARAC, &problems)
	p.Sharing = parseSharing(f, pos, raw.Sharing, &problems)
	parseFreeText(f, pos, p.Sharing, raw.FreeText, &problems)
	p.Triggers, p.Seen = parseTriggers(f, pos, raw.Triggers, &problems)
	return p, problems
}

// Read reads data, a safeguarding.yaml file named name in diagnostics: its
// risk instruments, MARAC criteria, sharing policy and action triggers,
// compiling each trigger's condition (docs/rules.md). Every problem is
// returned at once, each at its file:line:col. With any error among them
// the policy must not be used: it holds only the parts without mistakes
// (and Seen every trigger's id, for checking ids across a pack's files).
func Read(name string, data []byte) (*Policy, diag.List) {
	f, problems := yamlsrc.Parse(name, data)
	if f == nil {
		return &Policy{}, problems
	}
	p, more := parse(f)
	problems = append(problems, more...)
	yamlsrc.Annotate(problems, f)
	problems.Sort()
	return p, problems
}

// ScoreRanges returns each configured instrument's score range, for
// validating referrals with referral.WithScoreRanges. The map is the
// caller's own.
func (p *Policy) ScoreRanges() map[referral.Instrument]referral.ScoreRange {
	if p == nil {
		return nil
	}
	return maps.Clone(p.ranges)
}

// Instrument returns the instrument with the given id, or nil.
func (p *Policy) Instrument(id referral.Instrument) *Instrument {
	if p == nil {
		return nil
	}
	for _, in := range p.Instruments {
		if in.ID == id {
			return in
		}
	}
	return nil
}

// Trigger returns the trigger with the given id, or nil.
func (p *Policy) Trigger(id string) *Trigger {
	if p == nil {
		return nil
	}
	for _, t := range p.Triggers {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Redact returns r as role may see it under the policy's sharing rules;
// see Sharing.Redact.
func (p *Policy) Redact(r *referral.Referral, role string) (*referral.Referral, error) {
	if p == nil {
		return nil, errors.New("there is no safeguarding policy")
	}
	return p.Sharing.Redact(r, role)
}

// add appends a diagnostic about the value at path.
func add(problems *diag.List, f *yamlsrc.File, pos yamlsrc.Positions, path, code, summary, detail string) {
	*problems = append(*problems, f.Diag(pos.Node(path), code, summary, detail, path))
}

// addKey appends a diagnostic placed on the key at path (a map entry), or
// on its value when the key is not known.
func addKey(problems *diag.List, f *yamlsrc.File, pos yamlsrc.Positions, path, code, summary, detail string) {
	n := pos[path].Key
	if n == nil {
		n = pos.Node(path)
	}
	*problems = append(*problems, f.Diag(n, code, summary, detail, path))
}

// present reports whether the value at path was in the file (it may have
// been of the wrong type, which Decode has reported).
func present(pos yamlsrc.Positions, path string) bool {
	_, ok := pos[path]
	return ok
}

// checkRole reports a role name that is not one of Roles().
func checkRole(problems *diag.List, f *yamlsrc.File, pos yamlsrc.Positions, path, role string) bool {
	if slices.Contains(roles, Role(role)) {
		return true
	}
	add(problems, f, pos, path, "unknown-role", fmt.Sprintf("%q is not a role", role),
		fmt.Sprintf("The roles are %s.%s", diag.Quoted(roleNames()), diag.DidYouMean(role, roleNames())))
	return false
}
