package eligibility

import "github.com/saferpath/pathway/internal/schemagen"

// Schema returns the JSON Schema (draft 2020-12) of eligibility.yaml, made
// from the type Read decodes it into, for editors. Read checks what a
// schema cannot: conditions, and ids used twice.
func Schema() ([]byte, error) {
	return schemagen.Marshal(schemagen.Reflect(&file{}, "rules/eligibility-v1.json", "eligibility.yaml",
		"A rule pack version's referral criteria (all must be met) and exclusions (none may apply)."))
}
