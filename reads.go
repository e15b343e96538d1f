package pathway

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/saferpath/pathway/internal/jsonout"
	"github.com/saferpath/pathway/rule"
)

// Reads are the answers a rule looked at, each with its JSON path and its
// value, sorted by path, each path once. A value is a bool, an int64, a
// float64, a string, a date as YYYY-MM-DD, the number of items of a list,
// or nil when the answer is missing; decoded from JSON, numbers are
// float64. Personal values are never among them.
//
// Reads marshal to a JSON object keyed by path, in path order, as a map
// does: {"subject.acceptsResponsibility": "some", "victims": 2}. A nil Reads
// marshals to null. Reads that are not sorted, or that hold a path twice,
// marshal as if sorted, with the last value given for a path.
type Reads []rule.Reading

// Get returns the value read at path, and whether path was read.
func (rs Reads) Get(path string) (any, bool) {
	rs = rs.normal()
	i, ok := slices.BinarySearchFunc(rs, path, func(r rule.Reading, p string) int { return strings.Compare(r.Path, p) })
	if !ok {
		return nil, false
	}
	return rs[i].Value, true
}

// MarshalJSON writes the reads as a JSON object keyed by path, sorted, as
// encoding/json writes a map[string]any.
func (rs Reads) MarshalJSON() ([]byte, error) {
	// encoding/json escapes <, > and & in what a marshaler writes when, and
	// only when, it escapes HTML itself: write them as they are.
	return rs.appendJSON(nil, false)
}

// UnmarshalJSON reads a JSON object of reads, or null, as encoding/json
// reads a map[string]any: the reads come out sorted by path, a repeated
// path keeping its last value.
func (rs *Reads) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*rs = nil
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil {
		return err
	} else if t != json.Delim('{') {
		return errors.New("reads are a JSON object of answers by path")
	}
	out := Reads{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		path, _ := t.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		out = append(out, rule.Reading{Path: path, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*rs = out.normal()
	return nil
}

// normal returns rs sorted by path with each path once (the last value
// given for it): rs itself when it already is, else a copy.
func (rs Reads) normal() Reads {
	for i := 1; i < len(rs); i++ {
		if rs[i-1].Path >= rs[i].Path {
			return slices.Clip(rs).sortInPlace(true)
		}
	}
	return rs
}

// sortInPlace sorts rs by path and keeps the last value of each path, in
// place, or in a copy when copied is true.
func (rs Reads) sortInPlace(copied bool) Reads {
	if copied {
		rs = slices.Clone(rs)
	}
	slices.SortStableFunc(rs, compareReads)
	w := 0
	for i := range rs {
		if w > 0 && rs[w-1].Path == rs[i].Path {
			rs[w-1] = rs[i]
			continue
		}
		rs[w] = rs[i]
		w++
	}
	clear(rs[w:])
	return rs[:w]
}

func compareReads(a, b rule.Reading) int { return strings.Compare(a.Path, b.Path) }

// readsOf makes the Reads of a rule result from what the rule read, in
// place: sorted by path, each path once.
func readsOf(rs []rule.Reading) Reads {
	if rs == nil {
		return Reads{}
	}
	for i := 1; i < len(rs); i++ {
		if rs[i-1].Path >= rs[i].Path {
			return Reads(rs).sortInPlace(false)
		}
	}
	return Reads(rs)
}

// appendJSON appends the reads as a JSON object, escaping <, > and & when
// html is set, as encoding/json does.
func (rs Reads) appendJSON(dst []byte, html bool) ([]byte, error) {
	if rs == nil {
		return append(dst, "null"...), nil
	}
	rs = rs.normal()
	dst = append(dst, '{')
	for i, r := range rs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonout.AppendString(dst, r.Path, html)
		dst = append(dst, ':')
		var err error
		if dst, err = jsonout.AppendAny(dst, r.Value, html); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}
