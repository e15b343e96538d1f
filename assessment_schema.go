package pathway

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// AssessmentSchemaID is the $id of the assessment's JSON Schema.
const AssessmentSchemaID = "https://saferpath.example.org/schemas/assessment-v1.json"

// AssessmentSchema returns the JSON Schema (draft 2020-12) of an
// Assessment as it marshals to JSON: what "pathway check --format json"
// prints and what the decision service answers. It is generated from the
// Go types, with the enumerations (decision, severity, rule kind and
// outcome) and formats (dates, digests) added, so partner systems can
// generate their types from it and check what they receive.
func AssessmentSchema() ([]byte, error) {
	r := &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		Mapper:         assessmentSchemaType,
		Namer: func(t reflect.Type) string {
			if t == reflect.TypeFor[diag.List]() {
				return "Diagnostics"
			}
			return t.Name()
		},
	}
	s := r.Reflect(&Assessment{})
	s.ID = AssessmentSchemaID
	s.Title = "Assessment of a referral to a domestic abuse or stalking perpetrator programme"
	s.Description = "The decision (eligible, ineligible, incomplete or invalid), every rule's outcome with its reason, the programmes offered and the victim-safety actions. An invalid referral's problems say why; its safety actions are listed all the same."
	describe(s, map[string]string{
		"referral":   "The referral's id, as sent.",
		"pack":       "The rule pack version the referral was assessed under, and the engine that decided.",
		"at":         "The evaluation date: the referral's dateSent, or the date asked for.",
		"decision":   "eligible, ineligible, incomplete or invalid.",
		"problems":   "Why an invalid referral is invalid; empty otherwise. Problems never carry a line of the referral (excerpt).",
		"failed":     "The criteria not met and the exclusions that apply, by id.",
		"unknown":    "The criteria and exclusions that cannot be decided for want of an answer, by id.",
		"missing":    "The paths of the answers that would decide them.",
		"rules":      "Every rule's outcome, explained; programme conditions have kind programme.",
		"programmes": "The programmes offered to an eligible referral.",
		"actions":    "The victim-safety actions, most urgent first.",
	})
	if d, ok := s.Definitions["Stamp"]; ok {
		if p, ok := d.Properties.Get("digest"); ok {
			p.Pattern = "^sha256:[0-9a-f]{64}$"
		}
		describe(d, map[string]string{
			"name":    "The pack's name.",
			"version": "The pack version's label.",
			"digest":  "sha256: and the hex digest of the version's files.",
			"engine":  "The version of the Pathway module that decided, or devel for a build that carries none.",
		})
	}
	if d, ok := s.Definitions["Pos"]; ok {
		for _, name := range []string{"line", "column"} {
			if p, ok := d.Properties.Get(name); ok {
				p.Minimum = json.Number("0")
			}
		}
	}
	if d, ok := s.Definitions["RuleResult"]; ok {
		setEnum(d, "kind", "criterion", "exclusion", "programme")
		setEnum(d, "outcome", "pass", "fail", "unknown")
		describe(d, map[string]string{
			"reads":  "The answers the rule looked at, by path; personal identifiers are never echoed. A missing answer is null.",
			"source": "Where the rule's condition is written, file:line:col.",
		})
	}
	if d, ok := s.Definitions["Action"]; ok {
		for _, name := range []string{"victim", "child"} {
			if p, ok := d.Properties.Get(name); ok {
				p.Minimum = json.Number("0")
			}
		}
		describe(d, map[string]string{
			"victim":  "The index (from 0) of the victim concerned, for victim-level actions.",
			"child":   "The index (from 0) of the child concerned, for child-level actions.",
			"tell":    "The roles that must be told.",
			"missing": "The answers, by path, to establish.",
		})
	}
	return json.MarshalIndent(s, "", "  ")
}

// assessmentSchemaType maps the types that marshal as text, and the reads,
// which marshal as an object.
func assessmentSchemaType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[referral.Date]():
		return &jsonschema.Schema{Type: "string", Format: "date"}
	case reflect.TypeFor[Decision]():
		return &jsonschema.Schema{Type: "string", Enum: []any{string(Eligible), string(Ineligible), string(Incomplete), string(Invalid)}}
	case reflect.TypeFor[Reads]():
		return &jsonschema.Schema{Type: "object"}
	case reflect.TypeFor[diag.Severity]():
		return &jsonschema.Schema{Type: "string", Enum: []any{diag.Error.String(), diag.Warning.String()}}
	}
	return nil
}

func setEnum(d *jsonschema.Schema, prop string, values ...string) {
	p, ok := d.Properties.Get(prop)
	if !ok {
		return
	}
	p.Enum = nil
	for _, v := range values {
		p.Enum = append(p.Enum, v)
	}
}

func describe(d *jsonschema.Schema, text map[string]string) {
	if d.Properties == nil {
		return
	}
	for name, desc := range text {
		if p, ok := d.Properties.Get(name); ok {
			p.Description = desc
		}
	}
}
