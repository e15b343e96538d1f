package pathway

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

// RulesSchemaID is the $id of the rule files' JSON Schema.
const RulesSchemaID = "https://saferpath.example.org/schemas/rules-v1.json"

// The types below describe the rule files for the JSON Schema generator;
// Load reads the files itself, with the same names. A test checks every
// file of the default pack against the schema, so the two cannot drift.

type schemaRule struct {
	ID          string `json:"id" jsonschema:"title=Id,description=Stable: scenarios and reports name the rule by it.,pattern=^[a-z0-9]+(-[a-z0-9]+)*$"`
	Title       string `json:"title" jsonschema:"title=Title,description=A short name for people.,minLength=1"`
	Description string `json:"description" jsonschema:"title=Description,description=The policy wording the rule carries out.,minLength=1"`
	Source      string `json:"source" jsonschema:"title=Source,description=The document the policy comes from.,minLength=1"`
	When        string `json:"when" jsonschema:"title=Condition,description=An expression over the referral's answers by their JSON names and today (the evaluation date); write long ones as a literal block (|).,minLength=1"`
	Because     string `json:"because" jsonschema:"title=Reason,description=The reason shown to people.,minLength=1"`
}

type schemaWindow struct {
	From string `json:"from" jsonschema:"format=date"`
	To   string `json:"to" jsonschema:"format=date"`
}

type schemaManifest struct {
	Name      string       `json:"name" jsonschema:"title=Pack name,pattern=^[a-z0-9]+(-[a-z0-9]+)*$"`
	Version   string       `json:"version" jsonschema:"title=Version label,examples=2022-08"`
	Title     string       `json:"title" jsonschema:"minLength=1"`
	Effective schemaWindow `json:"effective" jsonschema:"title=In force,description=The first and last days the version is in force (both inclusive)."`
	Source    string       `json:"source" jsonschema:"minLength=1"`
}

type schemaEligibility struct {
	Criteria   []schemaRule `json:"criteria" jsonschema:"title=Criteria,description=Every criterion must be met; its condition is true when it is.,minItems=1"`
	Exclusions []schemaRule `json:"exclusions,omitempty" jsonschema:"title=Exclusions,description=An exclusion applies when its condition is true."`
}

type schemaProgramme struct {
	schemaRule
	Name         string        `json:"name" jsonschema:"title=Full name,minLength=1"`
	Addresses    string        `json:"addresses"`
	Model        string        `json:"model,omitempty"`
	Delivery     string        `json:"delivery"`
	Sessions     int           `json:"sessions,omitempty" jsonschema:"minimum=0"`
	SessionHours float64       `json:"sessionHours,omitempty" jsonschema:"minimum=0,maximum=24"`
	Facilitators int           `json:"facilitators,omitempty" jsonschema:"minimum=0"`
	Places       int           `json:"places,omitempty" jsonschema:"minimum=0,description=Places the funding buys over the window (one-to-one programmes)."`
	Uncapped     bool          `json:"uncapped,omitempty" jsonschema:"description=True when the funding buys no set number of places (instead of places)."`
	Groups       int           `json:"groups,omitempty" jsonschema:"minimum=0"`
	GroupSize    int           `json:"groupSize,omitempty" jsonschema:"minimum=0"`
	Staff        string        `json:"staff,omitempty"`
	Waives       []string      `json:"waives,omitempty" jsonschema:"description=Criterion ids this programme does not require."`
	Funding      *schemaWindow `json:"funding,omitempty" jsonschema:"description=The funding window; the version's dates when left out."`
}

type schemaProgrammes struct {
	Programmes []schemaProgramme `json:"programmes"`
}

type schemaRange struct {
	Min int  `json:"min" jsonschema:"minimum=0"`
	Max *int `json:"max,omitempty" jsonschema:"minimum=0"`
}

type schemaInstrument struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Range     schemaRange `json:"range"`
	Threshold *int        `json:"threshold,omitempty" jsonschema:"minimum=0,description=The visible-high-risk score; leave out for none."`
}

type schemaEscalation struct {
	Incidents int `json:"incidents" jsonschema:"minimum=1"`
	Months    int `json:"months" jsonschema:"minimum=1"`
}

type schemaMARAC struct {
	Source                string            `json:"source"`
	VisibleHighRisk       bool              `json:"visibleHighRisk"`
	ProfessionalJudgement bool              `json:"professionalJudgement"`
	PotentialEscalation   *schemaEscalation `json:"potentialEscalation,omitempty"`
}

type schemaTrigger struct {
	schemaRule
	Scope         string   `json:"scope"`
	Owner         string   `json:"owner"`
	DueWithinDays int      `json:"dueWithinDays" jsonschema:"minimum=0,maximum=365"`
	Text          string   `json:"text" jsonschema:"minLength=1"`
	Tell          []string `json:"tell,omitempty"`
	IfUnknown     string   `json:"ifUnknown,omitempty"`
	EstablishText string   `json:"establishText,omitempty"`
}

type schemaSafeguarding struct {
	Instruments []schemaInstrument  `json:"instruments"`
	MARAC       schemaMARAC         `json:"marac"`
	Sharing     map[string][]string `json:"sharing"`
	Triggers    []schemaTrigger     `json:"triggers" jsonschema:"minItems=1"`
}

type schemaMetric struct {
	ID          string `json:"id" jsonschema:"pattern=^[a-z0-9]+(-[a-z0-9]+)*$"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source,omitempty"`
	Unit        string `json:"unit,omitempty"`
	Aggregate   string `json:"aggregate,omitempty" jsonschema:"enum=count,enum=sum,enum=mean,enum=rate"`
	When        string `json:"when,omitempty"`
	Of          string `json:"of,omitempty"`
	Over        string `json:"over,omitempty"`
}

type schemaReason struct {
	Code    string   `json:"code" jsonschema:"pattern=^[a-z0-9]+(-[a-z0-9]+)*$"`
	Title   string   `json:"title"`
	Aliases []string `json:"aliases,omitempty"`
}

type schemaScoreInstrument struct {
	ID          string `json:"id" jsonschema:"pattern=^[a-z0-9]+(-[a-z0-9]+)*$"`
	Title       string `json:"title"`
	Change      string `json:"change,omitempty"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source,omitempty"`
}

type schemaOutcomes struct {
	Reasons     []schemaReason          `json:"reasons,omitempty"`
	Instruments []schemaScoreInstrument `json:"instruments,omitempty"`
	Metrics     []schemaMetric          `json:"metrics"`
}

// RulesSchema returns the JSON Schema (draft 2020-12) of a rule pack's
// files, for editors: one schema that accepts any of pack.yaml,
// eligibility.yaml, programmes.yaml, safeguarding.yaml and outcomes.yaml,
// each also under $defs (Manifest, Eligibility, Programmes, Safeguarding,
// Outcomes) for an editor that maps file names to schemas. It gives the
// keys, the enumerations (addresses, delivery, scope, roles, instruments)
// and the number ranges; Load checks the rest, expressions included.
func RulesSchema() ([]byte, error) {
	r := &jsonschema.Reflector{Namer: func(t reflect.Type) string {
		names := map[reflect.Type]string{
			reflect.TypeFor[schemaRule](): "Rule", reflect.TypeFor[schemaWindow](): "Window",
			reflect.TypeFor[schemaManifest](): "Manifest", reflect.TypeFor[schemaEligibility](): "Eligibility",
			reflect.TypeFor[schemaProgramme](): "Programme", reflect.TypeFor[schemaProgrammes](): "Programmes",
			reflect.TypeFor[schemaRange](): "Range", reflect.TypeFor[schemaInstrument](): "Instrument",
			reflect.TypeFor[schemaEscalation](): "Escalation", reflect.TypeFor[schemaMARAC](): "MARAC",
			reflect.TypeFor[schemaTrigger](): "Trigger", reflect.TypeFor[schemaSafeguarding](): "Safeguarding",
			reflect.TypeFor[schemaMetric](): "Metric", reflect.TypeFor[schemaOutcomes](): "Outcomes",
			reflect.TypeFor[schemaReason](): "WithdrawalReason", reflect.TypeFor[schemaScoreInstrument](): "ScoreInstrument",
		}
		if n, ok := names[t]; ok {
			return n
		}
		return t.Name()
	}}
	root := &jsonschema.Schema{
		Version:     jsonschema.Version,
		ID:          RulesSchemaID,
		Title:       "Pathway rule pack file",
		Description: "One file of a rule pack version: pack.yaml, eligibility.yaml, programmes.yaml, safeguarding.yaml or outcomes.yaml.",
		Definitions: jsonschema.Definitions{},
	}
	for _, v := range []any{&schemaManifest{}, &schemaEligibility{}, &schemaProgrammes{}, &schemaSafeguarding{}, &schemaOutcomes{}} {
		s := r.Reflect(v)
		for name, d := range s.Definitions {
			root.Definitions[name] = d
		}
		root.AnyOf = append(root.AnyOf, &jsonschema.Schema{Ref: s.Ref})
	}
	enum := func(def, prop string, values []string) {
		d, ok := root.Definitions[def]
		if !ok {
			return
		}
		p, ok := d.Properties.Get(prop)
		if !ok {
			return
		}
		target := p
		if p.Type == "array" && p.Items != nil {
			target = p.Items
		}
		target.Enum = nil
		for _, v := range values {
			target.Enum = append(target.Enum, v)
		}
	}
	enum("Programme", "addresses", programmes.Addresses)
	enum("Programme", "delivery", programmes.Deliveries)
	enum("Trigger", "scope", []string{string(safeguarding.ScopeReferral), string(safeguarding.ScopeVictim), string(safeguarding.ScopeChild)})
	enum("Trigger", "ifUnknown", []string{string(safeguarding.Establish), string(safeguarding.Act), string(safeguarding.Ignore)})
	roles := make([]string, len(safeguarding.Roles))
	for i, role := range safeguarding.Roles {
		roles[i] = string(role)
	}
	enum("Trigger", "owner", roles)
	enum("Trigger", "tell", roles)
	enum("Instrument", "id", referral.Enums["instrument"])
	if d, ok := root.Definitions["Safeguarding"]; ok {
		classes := make([]any, len(safeguarding.AllClasses))
		for i, c := range safeguarding.AllClasses {
			classes[i] = string(c)
		}
		props := jsonschema.NewProperties()
		for _, role := range roles {
			props.Set(role, &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{Type: "string", Enum: classes}})
		}
		d.Properties.Set("sharing", &jsonschema.Schema{Type: "object", Properties: props, AdditionalProperties: jsonschema.FalseSchema,
			Description: "Which classes of data each role sees."})
	}
	// Programmes and triggers embed the rule's fields: the generator
	// nests them; flatten them into one closed object.
	for _, name := range []string{"Programme", "Trigger"} {
		d, ok := root.Definitions[name]
		if !ok {
			continue
		}
		flatten(d, root.Definitions["Rule"])
	}
	return json.MarshalIndent(root, "", "  ")
}

// flatten copies the rule's properties and required names into d.
func flatten(d, rule *jsonschema.Schema) {
	if rule == nil || rule.Properties == nil {
		return
	}
	props := jsonschema.NewProperties()
	for p := rule.Properties.Oldest(); p != nil; p = p.Next() {
		props.Set(p.Key, p.Value)
	}
	for p := d.Properties.Oldest(); p != nil; p = p.Next() {
		props.Set(p.Key, p.Value)
	}
	d.Properties = props
	req := append([]string{}, rule.Required...)
	for _, r := range d.Required {
		if !containsString(req, r) {
			req = append(req, r)
		}
	}
	d.Required = req
	d.AllOf = nil
	d.Ref = ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
