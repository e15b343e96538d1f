package outcomes

import (
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the event line schema.
const SchemaID = "https://saferpath.example/pathway/schemas/event.schema.json"

// eventLine describes one event line for the schema generator; the field
// names and their documentation are those of docs/events.md.
type eventLine struct {
	Case       string  `json:"case" jsonschema:"minLength=1,maxLength=64,pattern=^[A-Za-z0-9][A-Za-z0-9._:/-]*$" jsonschema_description:"The case id from the case system, never a name."`
	Type       string  `json:"type" jsonschema_description:"What happened."`
	On         string  `json:"on" jsonschema:"format=date,pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$" jsonschema_description:"The date it happened, YYYY-MM-DD."`
	Programme  string  `json:"programme,omitempty" jsonschema:"maxLength=64,pattern=^[a-z0-9][a-z0-9-]*$" jsonschema_description:"The programme: required on allocated; on started, session-attended, completed, partially-completed and withdrawn it may be given and must be the case's allocation."`
	Reason     string  `json:"reason,omitempty" jsonschema:"minLength=1" jsonschema_description:"Why the case was withdrawn: a reason code or a spelling the pack maps to one; any other text counts as other."`
	Victims    int     `json:"victims,omitempty" jsonschema:"minimum=0,maximum=1000" jsonschema_description:"How many victims support began for."`
	Children   int     `json:"children,omitempty" jsonschema:"minimum=0,maximum=1000" jsonschema_description:"How many children support began for."`
	Instrument string  `json:"instrument,omitempty" jsonschema:"maxLength=64,pattern=^[a-z0-9][a-z0-9-]*$" jsonschema_description:"The score instrument, named for what it measures."`
	Phase      string  `json:"phase,omitempty" jsonschema:"enum=pre,enum=post" jsonschema_description:"pre: before the programme; post: after it."`
	Value      float64 `json:"value,omitempty" jsonschema:"minimum=0,maximum=1000000" jsonschema_description:"The score."`
}

// Schema returns the JSON Schema (draft 2020-12) of one event line of a
// JSON Lines log (docs/events.md): the fields, their kinds and ranges, and
// which fields each type of event needs and may have. A CSV row is the
// same event with its cells as text. The schema cannot check a case's
// lifecycle or the order of its events; ReadEvents checks those.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{DoNotReference: true, AllowAdditionalProperties: false, RequiredFromJSONSchemaTags: false}
	s := r.Reflect(&eventLine{})
	s.Version = jsonschema.Version
	s.ID = SchemaID
	s.Title = "Pathway case event"
	s.Description = "One line of a case event log (JSON Lines). See docs/events.md."
	s.Required = []string{"case", "type", "on"}
	typeProp, _ := s.Properties.Get("type")
	for _, t := range types {
		typeProp.Enum = append(typeProp.Enum, string(t))
	}
	// victims and children are whole numbers; value is any number.
	for _, name := range []string{"victims", "children"} {
		p, _ := s.Properties.Get(name)
		p.Type = "integer"
	}
	// Which fields each type needs and may have.
	all := []string{"programme", "reason", "victims", "children", "instrument", "phase", "value"}
	for _, t := range types {
		var allowed, need []string
		for _, f := range fieldsOf(t) {
			allowed = append(allowed, fieldNames[f])
			if required(t, f) {
				need = append(need, fieldNames[f])
			}
		}
		then := &jsonschema.Schema{Required: need}
		props := jsonschema.NewProperties()
		for _, f := range all {
			if !contains(allowed, f) {
				props.Set(f, jsonschema.FalseSchema)
			}
		}
		if props.Len() > 0 {
			then.Properties = props
		}
		cond := jsonschema.NewProperties()
		cond.Set("type", &jsonschema.Schema{Const: string(t)})
		s.AllOf = append(s.AllOf, &jsonschema.Schema{
			If:   &jsonschema.Schema{Properties: cond, Required: []string{"type"}},
			Then: then,
		})
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("the event schema: %w", err)
	}
	return b, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
