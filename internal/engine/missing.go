package engine

import (
	"slices"
	"strconv"
	"strings"
)

// missing is a set of missing answers, built as a tree so that joining two
// sets costs one allocation; it is only built when an answer is missing.
type missing struct {
	path string // a leaf's JSON path template, with [] for the index
	idx  int    // the list index for the [], or -1
	a, b *missing
}

func leaf(path string, idx int) *missing { return &missing{path: path, idx: idx} }

func join(a, b *missing) *missing {
	switch {
	case a == nil:
		return b
	case b == nil, a == b:
		return a
	}
	return &missing{a: a, b: b}
}

// unknown joins the missing answers of whichever of vs are missing.
func unknown(vs ...Value) Value {
	var m *missing
	for _, v := range vs {
		if v.K == KindMissing {
			m = join(m, v.missingSet())
		}
	}
	if m == nil {
		return Missing
	}
	return Value{O: m}
}

// Paths lists the JSON paths of the missing answers, sorted, without
// repeats: "victims[1].consentsToContact".
func (v Value) Paths() []string {
	var out []string
	var walk func(m *missing)
	walk = func(m *missing) {
		if m == nil {
			return
		}
		if m.path != "" {
			out = append(out, indexPath(m.path, m.idx))
			return
		}
		walk(m.a)
		walk(m.b)
	}
	walk(v.missingSet())
	slices.Sort(out)
	return slices.Compact(out)
}

// indexPath puts idx into the first [] of a path template.
func indexPath(path string, idx int) string {
	if idx < 0 {
		return path
	}
	i := strings.Index(path, "[]")
	if i < 0 {
		return path
	}
	return path[:i+1] + strconv.Itoa(idx) + path[i+1:]
}
