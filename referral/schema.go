package referral

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the referral's JSON Schema.
const SchemaID = "https://saferpath.example.org/schemas/referral-v1.json"

// Schema returns the JSON Schema (draft 2020-12) of a referral, wire format
// v1, generated from the Go types: required fields, enumerations,
// date and email formats, the limits on lists and text, and the conditional
// requirements JSON Schema can express with if/then (reasonNotKnown when a
// victim is not known to a support service, servicesProvided when aware of
// services, consentsToContact when updates are wanted, subjectToSPO on the
// COBI form, riskToStaff.details when a risk is present, score ranges from
// DefaultScoreRanges). Rules it cannot express are left to Validate.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		Mapper:         schemaType,
		Namer:          func(t reflect.Type) string { return t.Name() },
	}
	s := r.Reflect(&Referral{})
	// The named list types (Victims, ...) are written in place, as lists.
	for _, name := range []string{"Victims", "Children", "Agencies"} {
		def, ok := s.Definitions[name]
		if !ok {
			continue
		}
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			if p.Value.Ref == "#/$defs/"+name {
				inline := *def
				s.Properties.Set(p.Key, &inline)
			}
		}
		delete(s.Definitions, name)
	}
	s.ID = SchemaID
	s.Title = "Referral to a domestic abuse or stalking perpetrator programme (wire format v1)"
	constrain(s, reflect.TypeFor[Referral]())
	for _, t := range []reflect.Type{reflect.TypeFor[Referrer](), reflect.TypeFor[Subject](), reflect.TypeFor[Agency](),
		reflect.TypeFor[Victim](), reflect.TypeFor[Child](), reflect.TypeFor[RiskToStaff](), reflect.TypeFor[RiskAssessment]()} {
		if d, ok := s.Definitions[t.Name()]; ok {
			constrain(d, t)
		}
	}
	conditionals(s)
	return json.MarshalIndent(s, "", "  ")
}

// schemaType maps the referral's own scalar types.
func schemaType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[Date](), reflect.TypeFor[BirthDate]():
		return &jsonschema.Schema{Type: "string", Format: "date"}
	case reflect.TypeFor[Email]():
		return &jsonschema.Schema{Type: "string", Format: "email"}
	}
	if enum := EnumOf(reflect.Zero(t).Interface()); enum != "" {
		s := &jsonschema.Schema{Type: "string"}
		for _, v := range enumValues(enum) {
			s.Enum = append(s.Enum, v)
		}
		return s
	}
	return nil
}

// constrain adds to the object schema s of struct type t what the validate
// tags say (text length, list length, non-empty required text) and lets
// optional fields be null, as the wire format allows.
func constrain(s *jsonschema.Schema, t reflect.Type) {
	if s.Properties == nil {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		prop, ok := s.Properties.Get(name)
		if !ok {
			continue
		}
		for _, rule := range strings.Split(f.Tag.Get("validate"), ",") {
			key, val, _ := strings.Cut(rule, "=")
			n, err := strconv.ParseUint(val, 10, 64)
			switch {
			case key == "max" && err == nil && prop.Type == "string":
				prop.MaxLength = &n
			case key == "max" && err == nil && prop.Type == "array":
				prop.MaxItems = &n
			case key == "min" && err == nil && prop.Type == "array":
				prop.MinItems = &n
			case key == "min" && err == nil && prop.Type == "integer":
				prop.Minimum = json.Number(val)
			case key == "required" && prop.Type == "string" && prop.Enum == nil:
				one := uint64(1)
				prop.MinLength = &one
			}
			if key == "required" && !slices.Contains(s.Required, name) {
				// Required answers are written omitempty, so that a view
				// leaves out what it withholds: the description says
				// which are required.
				s.Required = append(s.Required, name)
			}
		}
		if !slices.Contains(s.Required, name) {
			s.Properties.Set(name, &jsonschema.Schema{AnyOf: []*jsonschema.Schema{prop, {Type: "null"}}})
		}
	}
}

// conditionals adds the if/then rules.
func conditionals(s *jsonschema.Schema) {
	str := func() *jsonschema.Schema {
		one := uint64(1)
		return &jsonschema.Schema{Type: "string", MinLength: &one}
	}
	props := func(kv ...any) *jsonschema.Schema {
		p := jsonschema.NewProperties()
		for i := 0; i+1 < len(kv); i += 2 {
			p.Set(kv[i].(string), kv[i+1].(*jsonschema.Schema))
		}
		return &jsonschema.Schema{Properties: p}
	}
	when := func(field string, value any) *jsonschema.Schema {
		c := props(field, &jsonschema.Schema{Const: value})
		c.Required = []string{field}
		return c
	}
	then := func(field string, sch *jsonschema.Schema) *jsonschema.Schema {
		t := props(field, sch)
		t.Required = []string{field}
		return t
	}

	if v, ok := s.Definitions["Victim"]; ok {
		v.AllOf = append(v.AllOf,
			&jsonschema.Schema{If: when("knownToSupportService", false), Then: then("reasonNotKnown", str())},
			&jsonschema.Schema{If: when("awareOfSupportServices", true), Then: then("servicesProvided", str())},
			&jsonschema.Schema{If: when("wantsUpdates", true), Then: then("consentsToContact", &jsonschema.Schema{Const: true})},
		)
	}
	if r, ok := s.Definitions["RiskToStaff"]; ok {
		r.AllOf = append(r.AllOf, &jsonschema.Schema{If: when("present", true), Then: then("details", str())})
	}
	if r, ok := s.Definitions["Referrer"]; ok {
		r.AnyOf = append(r.AnyOf, then("phone", str()), then("email", str()))
	}
	if a, ok := s.Definitions["RiskAssessment"]; ok {
		instruments := make([]string, 0, len(defaultRanges))
		for inst := range defaultRanges {
			instruments = append(instruments, string(inst))
		}
		slices.Sort(instruments)
		for _, inst := range instruments {
			rg := defaultRanges[Instrument(inst)]
			score := &jsonschema.Schema{Type: "integer", Minimum: json.Number(strconv.Itoa(rg.Min))}
			if rg.Max != Unbounded {
				score.Maximum = json.Number(strconv.Itoa(rg.Max))
			}
			// A null or absent score is allowed: only a given score is checked.
			a.AllOf = append(a.AllOf, &jsonschema.Schema{
				If:   when("instrument", inst),
				Then: props("score", &jsonschema.Schema{AnyOf: []*jsonschema.Schema{score, {Type: "null"}}}),
			})
		}
	}
	subjectSPO := props("subjectToSPO", &jsonschema.Schema{Type: "boolean"})
	subjectSPO.Required = []string{"subjectToSPO"}
	s.AllOf = append(s.AllOf, &jsonschema.Schema{If: when("form", string(FormCOBI)), Then: props("subject", subjectSPO)})
}
