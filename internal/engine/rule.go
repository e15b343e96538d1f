package engine

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/rule"
)

// RuleSpec is how a rule is written in a rule file: the fields every kind
// of rule shares.
// Its struct tags give the JSON Schemas of rule files their descriptions.
type RuleSpec struct {
	// ID is stable: scenarios, reports and partner systems name it.
	ID string `json:"id" jsonschema:"title=Id,pattern=^[a-z0-9]+(-[a-z0-9]+)*$,example=mental-health-manageable" jsonschema_description:"Lower-case words joined by hyphens. Stable: scenarios, reports and partner systems name the rule by it."`
	// Title is a short name for people.
	Title string `json:"title" jsonschema:"title=Title,minLength=1,example=Consents to information sharing" jsonschema_description:"A short name for people: what explanations, reports and the policy document call the rule."`
	// Description is the policy wording the rule carries out.
	Description string `json:"description" jsonschema:"title=Description,minLength=1" jsonschema_description:"The policy wording the rule carries out, as the policy document puts it."`
	// Source names the document the policy comes from.
	Source string `json:"source" jsonschema:"title=Source,minLength=1,example=Kent perpetrator programme referral forms" jsonschema_description:"The document the policy comes from."`
	// When is the condition, an expression.
	When yamlsrc.Scalar `json:"when" jsonschema:"title=Condition,example=subject.consentsToInformationSharing == true" jsonschema_description:"An expression over the referral's answers by their JSON names and today (the evaluation date); see docs/rules.md. Write a long one as a literal block (|) so that problems are placed exactly."`
	// Because is the reason shown to people.
	Because string `json:"because" jsonschema:"title=Reason,minLength=1" jsonschema_description:"The reason shown to people when the rule decides: why the policy asks this."`
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is lower-case words joined by hyphens.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// CompileRule checks a rule's fields and compiles its condition against
// schema. path is the rule's JSON path in the file (criteria[2]) and pos
// the positions Decode returned, for placing problems. The rule's
// description (with its id and where it is written) comes back even when
// there are problems, so that a duplicate id is reported whatever else is
// wrong; the program is nil when there are any.
func CompileRule(f *yamlsrc.File, pos yamlsrc.Positions, path string, spec RuleSpec, schema *Schema) (rule.Rule, *Program, diag.List) {
	var problems diag.List
	need := func(field, value, what string) {
		if value == "" {
			d := f.Diag(pos.Node(yamlsrc.Field(path, field)), "missing-"+field, fmt.Sprintf("The rule has no %s", field),
				fmt.Sprintf("Every rule needs %s. Add `%s:` to it.", what, field), yamlsrc.Field(path, field))
			problems = append(problems, d)
		}
	}
	need("id", spec.ID, "an id, such as accepts-responsibility, that scenarios and reports use")
	need("title", spec.Title, "a short title")
	need("description", spec.Description, "a description: the policy wording it carries out")
	need("source", spec.Source, "a source: the document the policy comes from")
	need("because", spec.Because, "a reason shown to people, in `because`")
	if spec.ID != "" && !ValidID(spec.ID) {
		problems = append(problems, f.Diag(pos.Node(yamlsrc.Field(path, "id")), "bad-id", fmt.Sprintf("%q is not a valid rule id", spec.ID),
			"Ids are lower-case words joined by hyphens, such as mental-health-manageable.", yamlsrc.Field(path, "id")))
	}
	meta := rule.Rule{ID: spec.ID, Title: spec.Title, Description: spec.Description, Source: spec.Source,
		When: spec.When.Value, Because: spec.Because, IDAt: pos.Range(f, yamlsrc.Field(path, "id"))}
	if spec.When.Node == nil {
		need("when", "", "a condition in `when`")
		return meta, nil, problems
	}
	src := Source{File: f.Name, Line: f.Excerpt, Node: spec.When.Node}
	meta.At = diag.Range{File: f.Name, Start: locator{src: src, text: spec.When.Value}.position(0)}
	prog, errs := Compile(spec.When.Value, schema, src)
	for _, d := range errs {
		d.Path = yamlsrc.Field(path, "when")
	}
	problems = append(problems, errs...)
	if len(problems) > 0 {
		return meta, nil, problems
	}
	return meta, prog, nil
}

// Public is the result as the rule package describes it.
func (r Result) Public() rule.Result {
	t := rule.False
	switch r.Outcome {
	case True:
		t = rule.True
	case Unknown:
		t = rule.Unknown
	}
	return rule.Result{Truth: t, Missing: r.Missing, Err: r.Err}
}

// PublicReads is Reads as the rule package describes them.
func (p *Program) PublicReads(env *Env) []rule.Reading {
	rs := p.Reads(env)
	out := make([]rule.Reading, len(rs))
	for i, r := range rs {
		out[i] = rule.Reading{Path: r.Path, Value: r.Value}
	}
	return out
}

// AppendPublicReads is PublicReads appending to dst: a caller explaining
// every rule of a referral keeps their reads in one list.
func (p *Program) AppendPublicReads(dst []rule.Reading, env *Env) []rule.Reading {
	for _, r := range p.reads {
		if r.field().Personal {
			continue
		}
		walkRead(r.chain, env, env, -1, func(path string, v Value) {
			dst = append(dst, rule.Reading{Path: path, Value: publicValue(v)})
		})
	}
	return dst
}

// publicValue is what a reading holds of v: what Interface gives, the
// number of items of a list, and an enumeration's value boxed once for
// every reading of it rather than at each.
func publicValue(v Value) any {
	switch v.K {
	case KindList:
		return int64(listLen(v))
	case KindText:
		if v.L != nil && len(v.L.Values) > 0 {
			if b, ok := boxedValues()[v.S]; ok {
				return b
			}
		}
	}
	return v.Interface()
}

// boxedValues holds the value of every enumeration of the referral, boxed.
var boxedValues = sync.OnceValue(func() map[string]any {
	m := map[string]any{}
	var walk func([]*Field)
	walk = func(fields []*Field) {
		for _, f := range fields {
			for _, v := range f.Values {
				m[v] = v
			}
			walk(f.Fields)
		}
	}
	walk(ReferralSchema().Fields)
	return m
})
