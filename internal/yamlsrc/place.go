package yamlsrc

import (
	"strings"

	"github.com/saferpath/pathway/diag"
)

// Place merges validation problems into decoding problems: it gives each
// validation problem the range of its path (or of the nearest enclosing
// value that is in the file), drops those about a value that already has a
// decoding problem (a date that could not be read is not also "missing"),
// and sorts the result by position.
func Place(f *File, pos Positions, decoded diag.List, validation error) diag.List {
	out := append(diag.List(nil), decoded...)
	bad := make(map[string]bool, len(decoded))
	for _, d := range decoded {
		// A key that should not be there, or is there twice, is placed in
		// its group; it says nothing about the group's other answers.
		if d.Code != "unknown-key" && d.Code != "duplicate-key" {
			bad[d.Path] = true
		}
	}
	for _, d := range diag.From(validation) {
		if coveredBy(d.Path, bad) {
			continue
		}
		c := *d
		c.Range = pos.Range(f, d.Path)
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
		path = Parent(path)
	}
}
