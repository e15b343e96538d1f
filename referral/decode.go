package referral

import (
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"go.yaml.in/yaml/v4"
)

// Decode reads one referral from data, JSON or YAML, named name in
// diagnostics. Unknown fields, duplicate fields, wrong types and malformed
// dates are problems with their JSON path and file:line:col. It does not
// validate; see Read for decoding and validating in one step.
//
// A non-nil error is a diag.List. When the referral is nil, data is not a
// JSON or YAML document at all (or is too large, or is not a group of named
// fields); otherwise the referral holds everything that could be decoded,
// so that safeguarding actions can still be worked out from it.
func Decode(name string, data []byte) (*Referral, error) {
	if r, ok := decodeFast(data); ok {
		return r, nil
	}
	return decodePositioned(name, data)
}

// decodePositioned is Decode on the positioned path: through the node
// tree, so that every problem has its line and column.
func decodePositioned(name string, data []byte) (*Referral, error) {
	f, probs := yamlsrc.Parse(name, data)
	if f == nil {
		return nil, probs
	}
	r, _, probs := decodeNode(f, f.Root)
	yamlsrc.Annotate(probs, f)
	return r, probs.Err()
}

// decodeNode decodes the referral at node n of f. Paths in the problems
// and in the Positions are relative to the referral (victims[1].name);
// ranges point into f. The referral is nil only when n is not a group of
// named fields.
func decodeNode(f *yamlsrc.File, n *yaml.Node) (*Referral, yamlsrc.Positions, diag.List) {
	if n == nil || n.Kind != yaml.MappingNode {
		summary := "Not a referral"
		detail := "A referral is a group of named fields, such as {\"id\": ..., \"form\": ..., ...}. Check that this is a referral file."
		return nil, yamlsrc.Positions{}, diag.List{f.Diag(n, "not-a-referral", summary, detail, "")}
	}
	r := new(Referral)
	pos, probs := yamlsrc.Decode(f, n, "", r)
	return r, pos, probs
}

// Read decodes and validates one referral from data, JSON or YAML, named
// name in diagnostics, and returns every problem at once: decoding problems
// and validation problems, each with its JSON path and, where the value (or
// the group it is missing from) is in the file, its line and column.
//
// A nil referral means data is not a JSON or YAML referral at all: it could
// not be parsed (a command-line tool exits with status 2). A non-nil
// referral with problems is an invalid referral (status 1); it holds
// everything that could be decoded, because safeguarding actions are worked
// out from whatever was read.
//
// Messages never repeat a personal value, but each problem's Excerpt is the
// line of the file it is on, which may: drop Excerpt before logging
// problems or sending them to another system.
func Read(name string, data []byte, opts ...ValidateOption) (*Referral, diag.List) {
	// A well-formed, valid referral needs no positions: only a problem is
	// placed at its line and column, so only then is the referral decoded
	// again on the positioned path.
	if r, ok := decodeFast(data); ok {
		if r.Validate(opts...) == nil {
			return r, nil
		}
	}
	f, probs := yamlsrc.Parse(name, data)
	if f == nil {
		return nil, probs
	}
	r, pos, probs := decodeNode(f, f.Root)
	if r == nil {
		yamlsrc.Annotate(probs, f)
		return nil, probs
	}
	probs = yamlsrc.Place(f, pos, probs, r.Validate(opts...))
	yamlsrc.Annotate(probs, f)
	return r, probs
}
