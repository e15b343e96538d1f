package outcomes

import "github.com/saferpath/pathway/internal/schemagen"

// MetricsSchema returns the JSON Schema (draft 2020-12) of outcomes.yaml,
// made from the type a pack's metrics are decoded into, for editors. The
// loader checks what a schema cannot: conditions, and ids used twice.
func MetricsSchema() ([]byte, error) {
	s := schemagen.Reflect(&metricsFile{}, "rules/outcomes-v1.json", "outcomes.yaml",
		"The figures a rule pack version adds to every outcome report, beside the standard ones.")
	schemagen.Enum(s, "metricSpec", "aggregate", aggregates)
	schemagen.Enum(s, "metricSpec", "of", numberFields)
	return schemagen.Marshal(s)
}
