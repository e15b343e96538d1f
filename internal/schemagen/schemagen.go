// Package schemagen makes the JSON Schemas of the files people edit (rule
// files, scenario files) from the very Go types their loaders decode them
// into, so that a schema cannot drift from what is read. Each loader's
// package calls it with its own file type; the jsonschema struct tags on
// those types give titles, descriptions, examples and ranges.
package schemagen

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// BaseID is where the project's schemas are named.
const BaseID = "https://saferpath.example.org/schemas/"

// Reflect returns the schema (draft 2020-12) of v's type, with the given
// $id (under BaseID), title and description. Scalars captured with their
// position (a condition) are text; dates are text in the date format.
// Definitions are named after the Go types, without their package.
func Reflect(v any, id, title, description string) *jsonschema.Schema {
	r := &jsonschema.Reflector{
		Mapper:         mapType,
		Namer:          func(t reflect.Type) string { return t.Name() },
		ExpandedStruct: true,
	}
	s := r.Reflect(v)
	s.ID = jsonschema.ID(BaseID + id)
	s.Title = title
	s.Description = description
	return s
}

func mapType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[yamlsrc.Scalar]():
		return &jsonschema.Schema{Type: "string", MinLength: ptr(uint64(1))}
	case reflect.TypeFor[referral.Date](), reflect.TypeFor[referral.BirthDate]():
		return &jsonschema.Schema{Type: "string", Format: "date"}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// Property returns the schema of property prop of the object schema s (or,
// for a list, of its items), or nil.
func Property(s *jsonschema.Schema, prop string) *jsonschema.Schema {
	if s == nil || s.Properties == nil {
		return nil
	}
	p, ok := s.Properties.Get(prop)
	if !ok {
		return nil
	}
	if p.Type == "array" && p.Items != nil {
		return p.Items
	}
	return p
}

// Enum sets the allowed values of property prop of definition def (or of
// the root, when def is "").
func Enum(s *jsonschema.Schema, def, prop string, values []string) {
	target := s
	if def != "" {
		target = s.Definitions[def]
	}
	p := Property(target, prop)
	if p == nil {
		return
	}
	p.Enum = nil
	for _, v := range values {
		p.Enum = append(p.Enum, v)
	}
}

// Marshal writes s indented, as the schemas are kept in docs/schemas.
func Marshal(s *jsonschema.Schema) ([]byte, error) {
	return json.MarshalIndent(s, "", "  ")
}
