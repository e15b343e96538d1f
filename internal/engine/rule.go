package engine

import (
	"fmt"
	"regexp"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
)

// RuleSpec is how a rule is written in a rule file: the fields every kind
// of rule shares.
type RuleSpec struct {
	// ID is stable: scenarios, reports and partner systems name it.
	ID string `json:"id"`
	// Title is a short name for people.
	Title string `json:"title"`
	// Description is the policy wording the rule carries out.
	Description string `json:"description"`
	// Source names the document the policy comes from.
	Source string `json:"source"`
	// When is the condition, an expression.
	When yamlsrc.Scalar `json:"when"`
	// Because is the reason shown to people.
	Because string `json:"because"`
}

// Rule is a compiled rule. It is immutable and safe for concurrent use.
type Rule struct {
	ID, Title, Description, Source, Because string
	// Program is the compiled condition.
	Program *Program
	// At is where the condition is written.
	At diag.Range
	// IDAt is where the id is written, and IDLine that line, for
	// problems about the id.
	IDAt   diag.Range
	IDLine string

	origin string
}

// Origin is the condition's place as file:line:col. It is worked out once,
// when the rule is compiled: every assessment quotes it.
func (r *Rule) Origin() string {
	if r.origin == "" {
		return r.At.String()
	}
	return r.origin
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is lower-case words joined by hyphens.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// CompileRule checks a rule's fields and compiles its condition against
// schema. path is the rule's JSON path in the file (criteria[2]) and pos
// the positions Decode returned, for placing problems.
func CompileRule(f *yamlsrc.File, pos yamlsrc.Positions, path string, spec RuleSpec, schema *Schema) (*Rule, diag.List) {
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
	if spec.When.Node == nil {
		need("when", "", "a condition in `when`")
		return nil, problems
	}
	src := Source{File: f.Name, Src: f.Src, Node: spec.When.Node}
	prog, errs := Compile(spec.When.Value, schema, src)
	for _, d := range errs {
		d.Path = yamlsrc.Field(path, "when")
	}
	problems = append(problems, errs...)
	if len(problems) > 0 {
		return nil, problems
	}
	idAt := pos.Range(f, yamlsrc.Field(path, "id"))
	rule := &Rule{IDAt: idAt, IDLine: diag.Excerpt(f.Src, idAt.Start.Line), ID: spec.ID, Title: spec.Title, Description: spec.Description, Source: spec.Source,
		Because: spec.Because, Program: prog,
		At: diag.Range{File: f.Name, Start: locator{src: src, text: spec.When.Value}.position(0)}}
	rule.origin = rule.At.String()
	return rule, nil
}
