package safeguarding

import (
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/rule"
)

// Scope is what a trigger is evaluated for: the referral once, or each
// victim, or each child.
type Scope string

// Scopes of a trigger.
const (
	ScopeReferral Scope = "referral"
	ScopeVictim   Scope = "victim"
	ScopeChild    Scope = "child"
)

var scopes = []string{string(ScopeReferral), string(ScopeVictim), string(ScopeChild)}

// IfUnknown says what happens when a trigger cannot be decided because an
// answer it needs is missing.
type IfUnknown string

// What a trigger does when it cannot be decided.
const (
	// Establish lists an action "establish-ID" for the trigger's owner to
	// find out the missing answers, by the trigger's deadline.
	Establish IfUnknown = "establish"
	// Act takes the action as if the trigger fired, listing the missing
	// answers.
	Act IfUnknown = "act"
	// Ignore lists nothing.
	Ignore IfUnknown = "ignore"
)

var ifUnknowns = []string{string(Establish), string(Act), string(Ignore)}

// EstablishPrefix starts the id of an action that establishes the missing
// answers of a trigger: establish-marac-referral.
const EstablishPrefix = "establish-"

// Trigger is one action trigger: when its condition holds, its owner must
// act within DueWithinDays days.
type Trigger struct {
	rule.Rule
	Scope Scope
	// Owner is the role that takes the action.
	Owner string
	// DueWithinDays is the deadline, in days from the evaluation date; 0
	// means the same day.
	DueWithinDays int
	// Text is the instruction shown to the owner. It never holds personal
	// data: victims and children are named by their index.
	Text string
	// Tell lists the roles that must be told, as the exception to
	// confidentiality: risk and safeguarding information is shared.
	Tell []string
	// IfUnknown says what happens when the condition cannot be decided.
	IfUnknown IfUnknown
	// EstablishText is the instruction of the action that establishes the
	// missing answers.
	EstablishText string

	cond *engine.Program
	// establishID and establish are the id and text of the action that
	// establishes the missing answers, written once when the trigger is
	// read; "" for a trigger made otherwise.
	establishID, establish string
}

type triggerSpec struct {
	engine.RuleSpec
	Scope         string   `json:"scope" jsonschema:"title=Scope,enum=referral,enum=victim,enum=child" jsonschema_description:"What the trigger is evaluated for: the referral once, or each victim (read as victim), or each child (read as child)."`
	Owner         string   `json:"owner" jsonschema:"title=Owner" jsonschema_description:"The role that takes the action."`
	DueWithinDays *int     `json:"dueWithinDays" jsonschema:"title=Deadline in days,minimum=0,maximum=365,example=2" jsonschema_description:"Days from the evaluation date; 0 for the same day."`
	Text          string   `json:"text" jsonschema:"title=Instruction,minLength=1" jsonschema_description:"What the owner must do. It never names a victim or child: actions name them by their index."`
	Tell          []string `json:"tell,omitempty" jsonschema:"title=Tell" jsonschema_description:"The roles that must be told: the exception to confidentiality for risk and safeguarding."`
	IfUnknown     string   `json:"ifUnknown,omitempty" jsonschema:"title=When it cannot be decided,enum=establish,enum=act,enum=ignore" jsonschema_description:"establish (the default) lists an action to find out the missing answers; act takes the action anyway; ignore lists nothing."`
	EstablishText string   `json:"establishText,omitempty" jsonschema:"title=Instruction to establish" jsonschema_description:"The instruction of the action that finds out missing answers (with ifUnknown: establish)."`
}

// maxDueDays bounds a deadline: a year.
const maxDueDays = 365

func parseTriggers(f *yamlsrc.File, pos yamlsrc.Positions, specs []triggerSpec, problems *diag.List) ([]*Trigger, []rule.Rule) {
	if len(specs) == 0 {
		add(problems, f, pos, "triggers", "no-triggers", "The file has no action triggers",
			"A pack needs its victim-safety actions under `triggers:`, each with an id, a condition in `when`, an owner and a deadline.")
		return nil, nil
	}
	var out []*Trigger
	var seen []rule.Rule
	first := map[string]string{}
	for i, s := range specs {
		path := yamlsrc.Index("triggers", i)
		at := func(field string) string { return yamlsrc.Field(path, field) }
		ok := true
		need := func(field string, empty bool, what string) {
			if empty && present(pos, at(field)) {
				ok = false // of the wrong type: Decode said so
				return
			}
			if empty {
				add(problems, f, pos, at(field), "missing-"+field, fmt.Sprintf("The trigger has no %s", field),
					fmt.Sprintf("Every trigger needs %s. Add `%s:` to it.", what, field))
				ok = false
			}
		}
		need("scope", s.Scope == "", "a scope: referral, victim (once for each victim) or child (once for each child)")
		need("owner", s.Owner == "", "an owner: the role that takes the action")
		need("dueWithinDays", s.DueWithinDays == nil, "a deadline in days, 0 for the same day")
		need("text", s.Text == "", "the instruction shown to the owner, in `text`")
		sc := Scope(s.Scope)
		if s.Scope != "" && !slices.Contains(scopes, s.Scope) {
			add(problems, f, pos, at("scope"), "bad-scope", fmt.Sprintf("%q is not a scope", s.Scope),
				fmt.Sprintf("A trigger's scope is %s.%s", diag.Quoted(scopes), diag.DidYouMean(s.Scope, scopes)))
			ok, sc = false, ""
		}
		if s.Owner != "" && !checkRole(problems, f, pos, at("owner"), s.Owner) {
			ok = false
		}
		for j, role := range s.Tell {
			if !checkRole(problems, f, pos, yamlsrc.Index(at("tell"), j), role) {
				ok = false
			}
		}
		if d := s.DueWithinDays; d != nil && (*d < 0 || *d > maxDueDays) {
			add(problems, f, pos, at("dueWithinDays"), "bad-due", "The deadline is out of range",
				fmt.Sprintf("Give a number of days from 0 (the same day) to %d.", maxDueDays))
			ok = false
		}
		ifUnknown := Establish
		if s.IfUnknown != "" {
			ifUnknown = IfUnknown(s.IfUnknown)
			if !slices.Contains(ifUnknowns, s.IfUnknown) {
				add(problems, f, pos, at("ifUnknown"), "bad-if-unknown", fmt.Sprintf("%q is not what a trigger can do when it cannot be decided", s.IfUnknown),
					fmt.Sprintf("Use %s: establish lists an action to find out the missing answers, act takes the action anyway, ignore lists nothing.%s",
						diag.Quoted(ifUnknowns), diag.DidYouMean(s.IfUnknown, ifUnknowns)))
				ok = false
			}
		}
		if s.EstablishText != "" && ifUnknown != Establish {
			add(problems, f, pos, at("establishText"), "unused-establish-text", "establishText is never shown",
				"It is the instruction of the action that establishes missing answers, which is listed only with `ifUnknown: establish`. Remove it, or use establish.")
			ok = false
		}
		if s.ID != "" {
			if where, dup := first[s.ID]; dup {
				add(problems, f, pos, at("id"), "duplicate-id", fmt.Sprintf("The id %q is used twice", s.ID),
					fmt.Sprintf("It is already used at %s. Ids must be unique: scenarios and partner systems name actions by id. Rename one of them.", pos.Range(f, where)))
				ok = false
			} else {
				first[s.ID] = at("id")
			}
		}
		schema := schemas()[sc]
		if schema == nil {
			// A bad or missing scope: check the rule's other fields, but
			// not its condition, which depends on the scope.
			schema = schemas()[ScopeReferral]
		}
		spec := s.RuleSpec
		meta, prog, errs := engine.CompileRule(f, pos, path, spec, schema)
		if sc == "" {
			errs = slices.DeleteFunc(errs, func(d *diag.Diagnostic) bool { return d.Path == at("when") && d.Code != "missing-when" })
		}
		*problems = append(*problems, errs...)
		seen = append(seen, meta)
		if prog == nil || !ok {
			continue
		}
		t := &Trigger{Rule: meta, cond: prog, Scope: sc, Owner: s.Owner, DueWithinDays: *s.DueWithinDays,
			Text: s.Text, Tell: slices.Clip(s.Tell), IfUnknown: ifUnknown, EstablishText: s.EstablishText}
		t.establishID, t.establish = EstablishPrefix+t.ID, t.establishText()
		out = append(out, t)
	}
	for i, s := range specs {
		if s.ID == "" || first[s.ID] != yamlsrc.Field(yamlsrc.Index("triggers", i), "id") ||
			(s.IfUnknown != "" && s.IfUnknown != string(Establish)) {
			continue
		}
		if where, clash := first[EstablishPrefix+s.ID]; clash {
			add(problems, f, pos, where, "id-clash", fmt.Sprintf("The id %q is also the action that establishes %q", EstablishPrefix+s.ID, s.ID),
				fmt.Sprintf("When %q cannot be decided, an action %q asks for the missing answers (trigger %d). Rename this trigger.", s.ID, EstablishPrefix+s.ID, i+1))
		}
	}
	return out, seen
}
