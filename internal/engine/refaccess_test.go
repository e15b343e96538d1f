package engine

import (
	"bytes"
	"fmt"
	"go/format"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/referral"
)

// TestReferralAccessIsGenerated keeps refaccess_gen.go, the accessors that
// read each referral field, in step with the referral's description (its
// struct tags, listed by referral.Fields): a field added to the referral
// fails this test until the file is generated again with
//
//	go test ./internal/engine -run TestReferralAccessIsGenerated -update
func TestReferralAccessIsGenerated(t *testing.T) {
	golden.Check(t, "refaccess_gen.go", generateReferralAccess(t))
}

// generateReferralAccess writes Go code with, for every field of the
// referral's description, a getter from its parent and, for fields reached
// from the root through groups that are always there, a direct reader.
func generateReferralAccess(t testing.TB) []byte {
	var b bytes.Buffer
	b.WriteString(`// Code generated from the referral's description by TestReferralAccessIsGenerated; DO NOT EDIT.

package engine

import "github.com/saferpath/pathway/referral"

// referralAccess reads each field of the referral, by JSON path: get from
// the field's parent (a *referral.Referral, or a pointer to the group or
// list item holding it), and, for a field reached from the root through
// groups that are always there, direct from the Env (and, for text, yes/no
// and date answers, as Go values from the root, for the commonest shapes
// of condition; and, for text and yes/no answers, as deciders testing the
// answer, with the read written into the test so that a rule of those
// shapes is one call). It is generated from the referral's description;
// refschema.go puts it together with that description.
var referralAccess = map[string]access{
`)
	root := reflect.TypeFor[referral.Referral]()
	for _, f := range referral.Fields() {
		parent, goPath, direct := goField(t, root, f.Path)
		sf, ok := parent.FieldByName(goPath[len(goPath)-1])
		require.True(t, ok, f.Path)
		ptype := "*referral." + parent.Name()
		self := fmt.Sprintf("p.(%s).%s", ptype, sf.Name)
		fmt.Fprintf(&b, "\t%q: {\n\t\tget: func(p any) Value { %s },\n", f.Path, readValue(t, sf.Type, self))
		if direct {
			from := "e.Root.(*referral.Referral)." + strings.Join(goPath, ".")
			fmt.Fprintf(&b, "\t\tdirect: func(e *Env) Value { %s },\n", readValue(t, sf.Type, from))
			root := "r.(*referral.Referral)." + strings.Join(goPath, ".")
			switch {
			case sf.Type.Kind() == reflect.String:
				fmt.Fprintf(&b, "\t\ttext: func(r any) string { return string(%s) },\n", root)
				fmt.Fprintf(&b, "\t\ttextIs: func(t *textTest) decideFn { return func(r any, _ referral.Date) Outcome { return t.decide(string(%s)) } },\n", root)
			case sf.Type == reflect.TypeFor[*bool]():
				fmt.Fprintf(&b, "\t\tyesNo: func(r any) *bool { return %s },\n", root)
				fmt.Fprintf(&b, "\t\tyesNoIs: func(t *yesNoTest) decideFn { return func(r any, _ referral.Date) Outcome { return t.decide(%s) } },\n", root)
			case sf.Type == reflect.TypeFor[referral.Date]():
				fmt.Fprintf(&b, "\t\tdate: func(r any) referral.Date { return %s },\n", root)
			case sf.Type == reflect.TypeFor[referral.BirthDate]():
				fmt.Fprintf(&b, "\t\tdate: func(r any) referral.Date { return %s.Date },\n", root)
			}
		}
		if f.Kind == referral.KindList {
			list := "[]referral." + sf.Type.Elem().Name()
			if sf.Type.Name() != "" {
				list = "referral." + sf.Type.Name()
			}
			fmt.Fprintf(&b, "\t\tlen: func(l any) int { return len(*l.(*%s)) },\n", list)
			fmt.Fprintf(&b, "\t\titem: func(l any, i int) any { return &(*l.(*%s))[i] },\n", list)
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	require.NoError(t, err, b.String())
	return out
}

// goField finds the Go struct that holds the field at path, the Go field
// names from the root, and whether every group on the way is a struct
// value (not a pointer or a list).
func goField(t testing.TB, root reflect.Type, path string) (parent reflect.Type, goPath []string, direct bool) {
	parent, direct = root, true
	parts := strings.Split(path, ".")
	for i, part := range parts {
		name := strings.TrimSuffix(part, "[]")
		sf, ok := fieldByJSON(parent, name)
		require.True(t, ok, "%s: no Go field for %q", path, name)
		goPath = append(goPath, sf.Name)
		if i == len(parts)-1 {
			return parent, goPath, direct
		}
		next := sf.Type
		if next.Kind() == reflect.Pointer || next.Kind() == reflect.Slice {
			next = next.Elem()
			direct = false
		}
		parent = next
	}
	return parent, goPath, direct
}

func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		if tag, _, _ := strings.Cut(sf.Tag.Get("json"), ","); tag == name {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

// readValue is the Go statement returning the Value of x, of type typ.
func readValue(t testing.TB, typ reflect.Type, x string) string {
	switch {
	case typ == reflect.TypeFor[referral.Date]():
		return "return DateValue(" + x + ")"
	case typ == reflect.TypeFor[referral.BirthDate]():
		return "return DateValue(" + x + ".Date)"
	case typ == reflect.TypeFor[*bool]():
		return "return YesNo(" + x + ")"
	case typ == reflect.TypeFor[*int]():
		return "return IntPtr(" + x + ")"
	case typ.Kind() == reflect.String && typ.Name() == "string":
		return "return Text(" + x + ")"
	case typ.Kind() == reflect.String:
		return "return Text(string(" + x + "))"
	case typ.Kind() == reflect.Struct:
		return "return Object(&" + x + ", true)"
	case typ.Kind() == reflect.Pointer && typ.Elem().Kind() == reflect.Struct:
		return "v := " + x + "; return Object(v, v != nil)"
	case typ.Kind() == reflect.Slice:
		return "return List(&" + x + ")"
	}
	t.Fatalf("no reader for a field of type %s", typ)
	return ""
}
