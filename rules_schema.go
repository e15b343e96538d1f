package pathway

import (
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/internal/schemagen"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/safeguarding"
)

// RulesSchemaID is the $id of the schema that accepts any rule file.
const RulesSchemaID = schemagen.BaseID + "rules-v1.json"

// ManifestSchema returns the JSON Schema (draft 2020-12) of pack.yaml, made
// from the type Load decodes it into.
func ManifestSchema() ([]byte, error) {
	return schemagen.Marshal(schemagen.Reflect(&manifest{}, "rules/pack-v1.json", "pack.yaml",
		"A rule pack version's manifest: the pack's name, the version's label and title, the dates it is in force, and its source."))
}

// RuleFileSchema returns the JSON Schema of one kind of rule file, by its
// name: pack.yaml, eligibility.yaml, programmes.yaml, safeguarding.yaml or
// outcomes.yaml. Each is made from the type its loader decodes the file
// into, so the schemas cannot drift from what Load reads (docs/rules.md).
func RuleFileSchema(file string) ([]byte, error) {
	switch file {
	case ManifestFile:
		return ManifestSchema()
	case EligibilityFile:
		return eligibility.Schema()
	case ProgrammesFile:
		return programmes.Schema()
	case SafeguardingFile:
		return safeguarding.Schema()
	case OutcomesFile:
		return outcomes.MetricsSchema()
	}
	return nil, fmt.Errorf("%q is not a rule file; the rule files are %v", file, knownFiles)
}

// RulesSchema returns one JSON Schema that accepts any of a version's rule
// files, for an editor that maps every file under rules/ to one schema: it
// holds each file's own schema (RuleFileSchema) under $defs, by file name,
// and accepts a document any of them accepts.
func RulesSchema() ([]byte, error) {
	root := &jsonschema.Schema{
		Version:     jsonschema.Version,
		ID:          RulesSchemaID,
		Title:       "Pathway rule pack file",
		Description: "One file of a rule pack version: pack.yaml, eligibility.yaml, programmes.yaml, safeguarding.yaml or outcomes.yaml.",
		Definitions: jsonschema.Definitions{},
	}
	for _, file := range knownFiles {
		b, err := RuleFileSchema(file)
		if err != nil {
			return nil, err
		}
		var s jsonschema.Schema
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, err
		}
		root.Definitions[file] = &s
		root.AnyOf = append(root.AnyOf, &jsonschema.Schema{Ref: string(s.ID)})
	}
	return schemagen.Marshal(root)
}
