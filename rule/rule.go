// Package rule holds what every rule of a rule pack has in common:
// eligibility criteria and exclusions, programme conditions and
// safeguarding triggers are all rules (docs/rules.md). A Rule says what it
// is (its id, title, policy wording, source, condition and reason, and
// where it is written); a Result is its three-valued outcome for one
// referral; a Reading is an answer it looked at.
//
// The packages that hold rules (eligibility, programmes, safeguarding)
// embed Rule in their own types and evaluate them.
package rule

import (
	"fmt"

	"github.com/saferpath/pathway/diag"
)

// Rule is what a rule says about itself. It is part of a loaded rule pack,
// which is immutable: do not change it.
type Rule struct {
	// ID is stable: scenarios, reports and partner systems name the rule
	// by it.
	ID string `json:"id"`
	// Title is a short name for people.
	Title string `json:"title"`
	// Description is the policy wording the rule carries out.
	Description string `json:"description"`
	// Source names the document the policy comes from.
	Source string `json:"source"`
	// When is the condition, an expression, as written.
	When string `json:"when"`
	// Because is the reason shown to people.
	Because string `json:"because"`
	// At is where the condition is written, and IDAt where the id is.
	At   diag.Range `json:"-"`
	IDAt diag.Range `json:"-"`
}

// Origin is where the condition is written, as file:line:col.
func (r *Rule) Origin() string { return r.At.String() }

// Truth is a three-valued truth: a rule's condition is true, false, or
// unknown when an answer it needs is missing (or it could not be
// evaluated).
type Truth uint8

// Truth values.
const (
	False Truth = iota
	True
	Unknown
)

// String returns "false", "true" or "unknown".
func (t Truth) String() string {
	switch t {
	case True:
		return "true"
	case Unknown:
		return "unknown"
	}
	return "false"
}

// MarshalText writes the truth as String does.
func (t Truth) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Result is a rule's condition evaluated for one referral.
type Result struct {
	Truth Truth
	// Missing lists the paths of the missing answers that would decide an
	// Unknown result ("victims[1].consentsToContact").
	Missing []string
	// Err says why the condition could not be evaluated (a limit reached,
	// a division by zero); the Truth is then Unknown. It names parts of
	// the rule, never an answer's value.
	Err error
}

// Reading is one answer a rule looked at, for explanations. Personal
// values (names, addresses, contact details, dates of birth, free text) are
// never among them.
type Reading struct {
	// Path is the answer's JSON path, with list indexes:
	// victims[0].relationship.
	Path string
	// Value is a bool, an int64, a float64, a string, a date as
	// YYYY-MM-DD, the number of items of a list, or nil when the answer
	// is missing.
	Value any
}

// Duplicates reports each id that rules holds more than once, at every
// place after the first. namedBy says what names these rules by id (such
// as "scenarios and reports name rules by id"), for the advice to rename
// one. Rules without
// an id are passed over: their missing id is reported on its own.
func Duplicates(rules []Rule, namedBy string) diag.List {
	var problems diag.List
	first := map[string]Rule{}
	for _, r := range rules {
		if r.ID == "" {
			continue
		}
		if f, dup := first[r.ID]; dup {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-id",
				Summary: fmt.Sprintf("The id %q is used twice", r.ID),
				Detail:  fmt.Sprintf("It is already used at %s. Ids must be unique within a version: %s. Rename one of them.", f.IDAt, namedBy),
				Range:   r.IDAt})
			continue
		}
		first[r.ID] = r
	}
	return problems
}
