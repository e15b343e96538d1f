package safeguarding

import (
	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway/internal/schemagen"
	"github.com/saferpath/pathway/referral"
)

// Schema returns the JSON Schema (draft 2020-12) of safeguarding.yaml, made
// from the type Read decodes it into, for editors: its keys, the scopes,
// roles, classes and instruments allowed, and the number ranges. Read checks
// the rest, conditions included.
func Schema() ([]byte, error) {
	s := schemagen.Reflect(&fileSpec{}, "rules/safeguarding-v1.json", "safeguarding.yaml",
		"A rule pack version's victim-safety policy: risk instruments, MARAC criteria, information sharing by role, and action triggers.")
	roles := roleNames()
	schemagen.Enum(s, "triggerSpec", "owner", roles)
	schemagen.Enum(s, "triggerSpec", "tell", roles)
	schemagen.Enum(s, "instrumentSpec", "id", referral.EnumValues("instrument"))
	classes := make([]any, 0, len(classNames()))
	for _, c := range classNames() {
		classes = append(classes, c)
	}
	props := jsonschema.NewProperties()
	for _, role := range roles {
		props.Set(role, &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{Type: "string", Enum: classes}})
	}
	s.Properties.Set("sharing", &jsonschema.Schema{Type: "object", Title: "Information sharing", Properties: props, Required: roles,
		AdditionalProperties: jsonschema.FalseSchema,
		Description:          "For each role, the classes of data it may see ([] for none)."})
	free := jsonschema.NewProperties()
	for _, role := range roles {
		free.Set(role, &jsonschema.Schema{Type: "string", Enum: []any{string(Withhold), string(Scrub)}})
	}
	ft := schemagen.Property(s, "freeText")
	ft.Properties, ft.AdditionalProperties, ft.PatternProperties = free, jsonschema.FalseSchema, nil
	return schemagen.Marshal(s)
}
