package scenario

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway/referral"
)

// SchemaID is the $id of the scenario file's JSON Schema.
const SchemaID = "https://saferpath.example.org/schemas/scenario-v1.json"

// schemaFile and the types below describe a scenario file for the JSON
// Schema generator; Load reads the file itself.
type schemaFile struct {
	Pack  string       `json:"pack,omitempty" jsonschema:"title=Rule pack,description=The embedded pack's name (kent) or a rule pack folder relative to this file (./draft). Leave it out for the default pack.,examples=kent"`
	Cases []schemaCase `json:"cases" jsonschema:"title=Cases,minItems=1"`
}

type schemaCase struct {
	Name     string            `json:"name" jsonschema:"title=Name,description=What the case checks; failures are reported by it.,minLength=1"`
	Referral any               `json:"referral" jsonschema:"title=Referral,description=A referral file relative to this file or the referral written inline."`
	Set      map[string]any    `json:"set,omitempty" jsonschema:"title=Overrides,description=Answers to replace by JSON path (subject.mentalHealth or victims[0].consentsToContact); null clears an answer."`
	At       string            `json:"at,omitempty" jsonschema:"title=Evaluation date,description=Assess as on this date instead of the referral's dateSent.,format=date"`
	Expect   schemaExpectation `json:"expect" jsonschema:"title=Expected"`
}

type schemaExpectation struct {
	Decision   string   `json:"decision,omitempty" jsonschema:"title=Decision,enum=eligible,enum=ineligible,enum=incomplete,enum=invalid"`
	Failed     []string `json:"failed,omitempty" jsonschema:"title=Failed rules,description=The exact set of criteria not met and exclusions that apply.,uniqueItems=true"`
	Unknown    []string `json:"unknown,omitempty" jsonschema:"title=Unknown rules,description=The exact set of criteria and exclusions that cannot be decided.,uniqueItems=true"`
	Missing    []string `json:"missing,omitempty" jsonschema:"title=Missing answers,description=The exact set of answer paths that would decide them.,uniqueItems=true"`
	Programmes []string `json:"programmes,omitempty" jsonschema:"title=Programmes offered,description=The exact set of programme ids offered; [] for none.,uniqueItems=true"`
	Actions    []string `json:"actions,omitempty" jsonschema:"title=Safety actions,description=The exact set of action ids raised; [] for none.,uniqueItems=true"`
}

// Schema returns the JSON Schema (draft 2020-12) of a scenario file, for
// editors: keys, the decisions, dates, and the referral's own schema for a
// referral written inline. What it cannot express (ids the pack defines,
// paths that exist) Load checks.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{ExpandedStruct: true, Namer: func(t reflect.Type) string {
		switch t {
		case reflect.TypeFor[schemaCase]():
			return "Case"
		case reflect.TypeFor[schemaExpectation]():
			return "Expectation"
		}
		return t.Name()
	}}
	s := r.Reflect(&schemaFile{})
	s.ID = SchemaID
	s.Title = "Pathway scenario file"
	s.Description = "Cases that assess a referral under a rule pack and say what they expect."

	refData, err := referral.Schema()
	if err != nil {
		return nil, err
	}
	var ref jsonschema.Schema
	if err := json.Unmarshal(refData, &ref); err != nil {
		return nil, err
	}
	if s.Definitions == nil {
		s.Definitions = jsonschema.Definitions{}
	}
	for name, d := range ref.Definitions {
		s.Definitions["referral."+name] = d
	}
	ref.Definitions = nil
	ref.Version = ""
	ref.ID = ""
	s.Definitions["Referral"] = &ref
	if c, ok := s.Definitions["Case"]; ok {
		c.Properties.Set("referral", &jsonschema.Schema{
			Title:       "Referral",
			Description: "A referral file relative to this file, or the referral written inline.",
			AnyOf: []*jsonschema.Schema{
				{Type: "string", MinLength: ptr(1)},
				{Ref: "#/$defs/Referral"},
			},
		})
		c.Properties.Set("set", &jsonschema.Schema{
			Type:        "object",
			Title:       "Overrides",
			Description: "Answers to replace, by JSON path (subject.mentalHealth, victims[0].consentsToContact); null clears an answer.",
			PropertyNames: &jsonschema.Schema{
				Pattern: `^[A-Za-z][A-Za-z0-9]*(\[[0-9]+\])?(\.[A-Za-z][A-Za-z0-9]*(\[[0-9]+\])?)*$`,
			},
		})
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	// The referral's schema refers to its own definitions by name.
	return fixRefs(data), nil
}

func ptr(n uint64) *uint64 { return &n }

// fixRefs points the referral's references at their new names.
func fixRefs(data []byte) []byte {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return data
	}
	var walk func(x any, inReferral bool) any
	walk = func(x any, inReferral bool) any {
		switch t := x.(type) {
		case map[string]any:
			for k, e := range t {
				if k == "$ref" && inReferral {
					if s, ok := e.(string); ok && len(s) > len("#/$defs/") && s[:len("#/$defs/")] == "#/$defs/" {
						t[k] = "#/$defs/referral." + s[len("#/$defs/"):]
					}
					continue
				}
				t[k] = walk(e, inReferral)
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e, inReferral)
			}
		}
		return x
	}
	root, ok := v.(map[string]any)
	if !ok {
		return data
	}
	if defs, ok := root["$defs"].(map[string]any); ok {
		for name, d := range defs {
			if name == "Referral" || len(name) > len("referral.") && name[:len("referral.")] == "referral." {
				defs[name] = walk(d, true)
			}
		}
	}
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return data
	}
	return out
}
