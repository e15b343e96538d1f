package referral

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/golden"
)

// TestDescription pins the referral's one description, field by field: a
// change to a field's class, or to whether it is personal, changes who may
// see it and what logs show, so it must show in review as a change to
// testdata/fields.golden.
func TestDescription(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-42s %-7s %-20s %-8s %-10s %s\n", "path", "kind", "class", "personal", "identifier", "label")
	for _, f := range Fields() {
		personal := ""
		if f.Personal {
			personal = "personal"
		}
		fmt.Fprintf(&b, "%-42s %-7s %-20s %-8s %-10s %s\n", f.Path, f.Kind, f.Class, personal, f.Identifier, f.Label)
		fmt.Fprintf(&b, "    asks %q", f.Question)
		if f.Item != "" {
			fmt.Fprintf(&b, " item %q", f.Item)
		}
		if len(f.Forms) > 0 {
			fmt.Fprintf(&b, " on %v", f.Forms)
		}
		if f.ShowIf != nil {
			fmt.Fprintf(&b, " when %s is %v", f.ShowIf.Field, f.ShowIf.Values)
		}
		b.WriteString("\n")
		for i, v := range f.Values {
			fmt.Fprintf(&b, "      %s: %q\n", v, f.ValueLabels[i])
		}
	}
	golden.Check(t, "testdata/fields.golden", []byte(b.String()))
}

func TestEveryAnswerHasClassAndLabel(t *testing.T) {
	for _, f := range Fields() {
		t.Run(f.Path, func(t *testing.T) {
			assert.NotEmpty(t, f.Label, "give the field a label tag")
			assert.NotEmpty(t, f.Question, "give the field a question tag: the referral form asks it")
			if f.ShowIf != nil {
				parent := strings.TrimSuffix(f.Path[:len(f.Path)-len(f.Name)], ".")
				sibling, ok := FieldAt(strings.TrimPrefix(parent+"."+f.ShowIf.Field, "."))
				require.True(t, ok, "showIf names %s, which is not in the same group", f.ShowIf.Field)
				assert.NotEqual(t, KindText, sibling.Kind, "a question depends on a yes/no or a choice")
			}
			if f.Leaf() {
				assert.Contains(t, Classes(), f.Class, "give the field a class tag")
			}
			if f.Kind == KindList {
				assert.NotEmpty(t, f.Item, "give the list an item tag: the form adds and removes items by it")
			}
			assert.Len(t, f.ValueLabels, len(f.Values), "every value of a choice has the words a form shows for it")
			for _, l := range f.ValueLabels {
				assert.NotEmpty(t, l)
			}
			got, ok := FieldAt(f.Path)
			require.True(t, ok)
			assert.Equal(t, f.Path, got.Path)
		})
	}
	_, ok := FieldAt("victims[3].name")
	assert.True(t, ok, "a path with an index names the list's field")
	_, ok = FieldAt("victims.nme")
	assert.False(t, ok)
}

func TestTemplatePath(t *testing.T) {
	for in, want := range map[string]string{
		"victims[1].name": "victims[].name", "victims[].name": "victims[].name", "subject.name": "subject.name",
		"children[12]": "children[]", `set["a.b"]`: `set["a.b"]`,
	} {
		assert.Equal(t, want, TemplatePath(in), in)
	}
}
