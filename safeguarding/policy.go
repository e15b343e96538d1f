// Package safeguarding holds a rule pack's victim-safety policy: the action
// triggers that say who must do what, and by when, to keep victims and
// children safe; the risk instruments (DASH and others) with their score
// ranges and MARAC thresholds; the MARAC referral criteria; and information
// sharing by role, with Redact to give each role its view of a referral.
//
// A pack version's policy is written in safeguarding.yaml and read by Parse,
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
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
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

	ranges map[referral.Instrument]referral.ScoreRange
}

// fileSpec is safeguarding.yaml as written.
type fileSpec struct {
	Instruments []instrumentSpec    `json:"instruments"`
	MARAC       *maracSpec          `json:"marac"`
	Sharing     map[string][]string `json:"sharing"`
	Triggers    []triggerSpec       `json:"triggers"`
}

// Parse reads a safeguarding.yaml file: its risk instruments, MARAC
// criteria, sharing policy and action triggers, compiling each trigger's
// condition. Every problem in the file is returned at once, each at its
// place in the file. The Policy is nil when there are errors.
func Parse(f *yamlsrc.File) (*Policy, diag.List) {
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
	p.Triggers = parseTriggers(f, pos, raw.Triggers, &problems)
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems
	}
	return p, problems
}

// Read parses data, a safeguarding.yaml file named name in diagnostics,
// and then its policy, as Parse does. Every problem is returned at once.
func Read(name string, data []byte) (*Policy, diag.List) {
	f, problems := yamlsrc.Parse(name, data)
	if f == nil {
		return nil, problems
	}
	p, more := Parse(f)
	problems = append(problems, more...)
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems
	}
	return p, problems
}

// ScoreRanges returns each configured instrument's score range, for
// validating referrals with referral.WithScoreRanges. The map is shared:
// callers must not modify it.
func (p *Policy) ScoreRanges() map[referral.Instrument]referral.ScoreRange { return p.ranges }

// Instrument returns the instrument with the given id, or nil.
func (p *Policy) Instrument(id referral.Instrument) *Instrument {
	for _, in := range p.Instruments {
		if in.ID == id {
			return in
		}
	}
	return nil
}

// Trigger returns the trigger with the given id, or nil.
func (p *Policy) Trigger(id string) *Trigger {
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

// checkRole reports a role name that is not one of Roles.
func checkRole(problems *diag.List, f *yamlsrc.File, pos yamlsrc.Positions, path, role string) bool {
	if slices.Contains(Roles, Role(role)) {
		return true
	}
	add(problems, f, pos, path, "unknown-role", fmt.Sprintf("%q is not a role", role),
		fmt.Sprintf("The roles are %s.%s", diag.Quoted(roleNames()), diag.DidYouMean(role, roleNames())))
	return false
}
