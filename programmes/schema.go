package programmes

import "github.com/saferpath/pathway/internal/schemagen"

// Schema returns the JSON Schema (draft 2020-12) of programmes.yaml, made
// from the type Read decodes it into, for editors. Read checks what a
// schema cannot: conditions, waived criteria, figures that belong together
// and funding windows.
func Schema() ([]byte, error) {
	return schemagen.Marshal(schemagen.Reflect(&file{}, "rules/programmes-v1.json", "programmes.yaml",
		"A rule pack version's programmes: what each addresses, how it is delivered, what its funding buys, and which referrals it suits."))
}
