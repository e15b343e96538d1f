package referral

import (
	"strings"

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
	f, probs := yamlsrc.Parse(name, data)
	if f == nil {
		return nil, probs
	}
	r, _, probs := DecodeNode(f, f.Root)
	return r, probs.Err()
}

// DecodeNode decodes the referral at node n of f: a whole file, or a
// referral written inline in another file (a scenario). Paths in the
// problems and in the Positions are relative to the referral
// (victims[1].name); ranges point into f. The referral is nil only when n
// is not a group of named fields.
func DecodeNode(f *yamlsrc.File, n *yaml.Node) (*Referral, yamlsrc.Positions, diag.List) {
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
	f, probs := yamlsrc.Parse(name, data)
	if f == nil {
		return nil, probs
	}
	r, pos, probs := DecodeNode(f, f.Root)
	if r == nil {
		return nil, probs
	}
	return r, Place(f, pos, probs, r.Validate(opts...))
}

// Place merges validation problems into decoding problems: it gives each
// validation problem the range of its path (or of the nearest enclosing
// value that is in the file), drops those about a value that already has a
// decoding problem (a date that could not be read is not also "missing"),
// and sorts the result by position.
func Place(f *yamlsrc.File, pos yamlsrc.Positions, decoded diag.List, validation error) diag.List {
	out := append(diag.List(nil), decoded...)
	bad := make(map[string]bool, len(decoded))
	for _, d := range decoded {
		bad[d.Path] = true
	}
	for _, d := range diag.From(validation) {
		if coveredBy(d.Path, bad) {
			continue
		}
		c := *d
		c.Range = pos.Range(f, d.Path)
		c.Excerpt = f.Excerpt(c.Range.Start.Line)
		out = append(out, &c)
	}
	out.Sort()
	return out
}

// coveredBy reports whether path or one of its ancestors is in bad.
func coveredBy(path string, bad map[string]bool) bool {
	if len(bad) == 0 {
		return false
	}
	for {
		if bad[path] {
			return true
		}
		if path == "" || !strings.ContainsAny(path, ".[") {
			return false
		}
		path = yamlsrc.Parent(path)
	}
}
