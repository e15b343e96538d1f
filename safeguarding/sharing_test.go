package safeguarding_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

// leafPaths lists every answer of a referral by JSON path, walking the
// types by reflection and their json tags.
func leafPaths(t reflect.Type, path string, out *[]string) {
	if t == reflect.TypeFor[referral.Date]() || t == reflect.TypeFor[referral.BirthDate]() {
		*out = append(*out, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		leafPaths(t.Elem(), path, out)
	case reflect.Slice:
		leafPaths(t.Elem(), path+"[]", out)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			leafPaths(f.Type, p, out)
		}
	default:
		*out = append(*out, path)
	}
}

func TestEveryAnswerIsClassified(t *testing.T) {
	var paths []string
	leafPaths(reflect.TypeFor[referral.Referral](), "", &paths)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		if p == "withheld[]" {
			continue // what a view leaves out, not an answer
		}
		t.Run(p, func(t *testing.T) {
			f, ok := referral.FieldAt(p)
			require.True(t, ok, "referral field %s is not in the referral's description", p)
			require.NotEmpty(t, f.Class, "referral field %s has no class: give it a class tag", p)
			assert.Contains(t, referral.Classes(), f.Class)
			seen := 0
			for _, role := range safeguarding.Roles() {
				if loadPolicy(t).Sharing.Visible(string(role), p) {
					seen++
				}
			}
			assert.Positive(t, seen, "no role sees %s", p)
		})
	}
}

// examples reads every example referral, valid or not, that decodes.
func examples(t *testing.T) map[string]*referral.Referral {
	t.Helper()
	files, err := filepath.Glob("../examples/referrals/*")
	require.NoError(t, err)
	out := map[string]*referral.Referral{}
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".json" && ext != ".yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		r, _ := referral.Read(filepath.Base(f), data)
		if r != nil {
			out[filepath.Base(f)] = r
		}
	}
	require.GreaterOrEqual(t, len(out), 10)
	return out
}

// victimIdentifiers lists the names, addresses, dates of birth and
// contacts of a referral's victims and children.
func victimIdentifiers(r *referral.Referral) []string {
	var out []string
	add := func(s string) {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	for _, v := range r.Victims {
		add(v.Name.Reveal())
		add(v.Address.Reveal())
		add(v.DateOfBirth.Reveal())
		add(string(v.SupportServiceContact))
	}
	for _, c := range r.Children {
		add(c.DateOfBirth.Reveal())
	}
	return out
}

// strings lists every text value in v.
func textValues(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		if v.String() != "" {
			*out = append(*out, v.String())
		}
	case reflect.Pointer:
		if !v.IsNil() {
			textValues(v.Elem(), out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			textValues(v.Index(i), out)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[referral.BirthDate]() {
			if s := v.Interface().(referral.BirthDate).Reveal(); s != "" {
				*out = append(*out, s)
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				textValues(v.Field(i), out)
			}
		}
	}
}

// pointers lists the address of every pointer and slice array in v.
func pointers(v reflect.Value, out map[uintptr]string, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			out[v.Pointer()] = path
			pointers(v.Elem(), out, path)
		}
	case reflect.Slice:
		if v.Cap() > 0 {
			out[v.Pointer()] = path
		}
		for i := range v.Len() {
			pointers(v.Index(i), out, path+"[]")
		}
	case reflect.Map:
		if !v.IsNil() {
			out[v.Pointer()] = path
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				pointers(v.Field(i), out, path+"."+v.Type().Field(i).Name)
			}
		}
	}
}

// mutate changes every answer of r reachable through pointers and slices.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("MUTATED")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int:
		v.SetInt(v.Int() + 1000)
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				mutate(v.Field(i))
			}
		}
	}
}

func TestEveryExampleThroughEveryRole(t *testing.T) {
	p := loadPolicy(t)
	for name, r := range examples(t) {
		for _, role := range safeguarding.Roles() {
			t.Run(name+"/"+string(role), func(t *testing.T) {
				before, err := json.Marshal(r)
				require.NoError(t, err)
				view, err := p.Redact(r, string(role))
				require.NoError(t, err)
				require.NotNil(t, view)

				// Nothing is shared with the original.
				orig := map[uintptr]string{}
				pointers(reflect.ValueOf(r), orig, "")
				copied := map[uintptr]string{}
				pointers(reflect.ValueOf(view), copied, "")
				for ptr, path := range copied {
					_, shared := orig[ptr]
					assert.False(t, shared, "the view shares %s with the original", path)
				}
				// Changing the view never changes the original.
				mutate(reflect.ValueOf(view))
				after, err := json.Marshal(r)
				require.NoError(t, err)
				assert.JSONEq(t, string(before), string(after))

				// Lists keep their length, so action indexes still match.
				fresh, err := p.Redact(r, string(role))
				require.NoError(t, err)
				assert.Len(t, fresh.Victims, len(r.Victims))
				assert.Len(t, fresh.Children, len(r.Children))

				// The view of a valid referral is a valid referral.
				if r.Validate() == nil {
					assert.NoError(t, fresh.Validate(), "the %s's view", role)
				}

				if role != safeguarding.Provider && role != safeguarding.Commissioner {
					return
				}
				var texts []string
				textValues(reflect.ValueOf(fresh), &texts)
				encoded, err := json.Marshal(fresh)
				require.NoError(t, err)
				for _, id := range victimIdentifiers(r) {
					for _, s := range texts {
						assert.NotContains(t, strings.ToLower(s), strings.ToLower(id), "a victim or child identifier reaches the %s", role)
					}
					if !isDate(id) {
						quoted, _ := json.Marshal(id)
						assert.NotContains(t, string(encoded), strings.Trim(string(quoted), `"`))
					}
				}
				for _, v := range fresh.Victims {
					assert.Zero(t, v, "the %s sees nothing of a victim", role)
				}
				for _, c := range fresh.Children {
					assert.Zero(t, c, "the %s sees nothing of a child", role)
				}
			})
		}
	}
}

func isDate(s string) bool { _, err := referral.ParseDate(s); return err == nil }

func TestRoleViews(t *testing.T) {
	p := loadPolicy(t)
	data, err := os.ReadFile("../examples/referrals/hr-several-victims-children.json")
	require.NoError(t, err)
	r, problems := referral.Read("hr.json", data)
	require.Empty(t, problems)
	r.BehaviourSummary = "Threatened Sarah Dummy (born 02/12/1987) at 27 Pretend Street; Sarah moved. Call 07700 900222."

	tests := []struct {
		role  string
		check func(t *testing.T, v *referral.Referral)
	}{
		{"police-coordinator", func(t *testing.T, v *referral.Referral) {
			assert.Equal(t, r, v, "the co-ordinator sees everything")
		}},
		{"referrer", func(t *testing.T, v *referral.Referral) {
			assert.Equal(t, r, v, "the referrer sees what they sent")
		}},
		{"provider", func(t *testing.T, v *referral.Referral) {
			assert.Equal(t, referral.Name("Kevin Dummy"), v.Subject.Name)
			assert.Equal(t, referral.Phone("07700 900222"), v.Subject.Phone)
			assert.Empty(t, v.Subject.Address, "the subject's address is the victim's: the provider must not see it")
			assert.Contains(t, v.Withheld, "subject.address")
			assert.Equal(t, referral.Manageability("managed"), v.Subject.MentalHealth)
			assert.Equal(t, referral.Text(safeguarding.WithheldNote), v.BehaviourSummary, "the kent pack withholds free text from the provider")
			assert.Equal(t, 16, *v.RiskAssessment.Score)
			assert.Zero(t, v.Victims[0])
			assert.Zero(t, v.Children[1])
			assert.Subset(t, v.Withheld, []string{"behaviourSummary", "victims[].name", "victims[].relationship", "victims[].dateOfBirth", "children[].dateOfBirth", "otherAgencies[].contact"})
		}},
		{"victim-link-worker", func(t *testing.T, v *referral.Referral) {
			assert.Subset(t, v.Withheld, []string{"subject.address", "subject.phone", "subject.mentalHealth"})
			assert.NotContains(t, v.Withheld, "behaviourSummary", "the victim link worker sees victims' details, so free text too")
		}},
		{"victim-link-worker", func(t *testing.T, v *referral.Referral) {
			assert.Equal(t, referral.Name("Kevin Dummy"), v.Subject.Name)
			assert.Empty(t, v.Subject.Address)
			assert.Empty(t, v.Subject.Phone)
			assert.Empty(t, v.Subject.Email)
			assert.Empty(t, v.Subject.MentalHealth, "special category data is not the victim link worker's")
			assert.Equal(t, r.Victims, v.Victims, "the victim link worker sees the victims' details")
			assert.Equal(t, r.Children, v.Children)
			assert.Equal(t, referral.Text("Threatened Sarah Dummy (born 02/12/1987) at 27 Pretend Street; Sarah moved. Call [redacted]."), v.BehaviourSummary,
				"the subject's phone is blanked; the victim's details stay, the address being the victim's too")
			assert.Empty(t, v.Referrer.Email)
		}},
		{"commissioner", func(t *testing.T, v *referral.Referral) {
			want := &referral.Referral{ID: r.ID, Form: r.Form, DateSent: r.DateSent,
				Referrer:      referral.Referrer{Organisation: r.Referrer.Organisation, Role: r.Referrer.Role},
				Subject:       referral.Subject{ConsentsToInformationSharing: referral.Yes()},
				OtherAgencies: make([]referral.Agency, 2), Victims: make([]referral.Victim, 2), Children: make([]referral.Child, 2),
				Withheld: v.Withheld}
			assert.Equal(t, want, v)
			assert.Contains(t, v.Withheld, "subject.name")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			v, err := p.Redact(r, tt.role)
			require.NoError(t, err)
			tt.check(t, v)
			assert.NoError(t, v.Validate(), "a role's view is a valid referral")
		})
	}
}

// TestScrubbedFreeText is a pack that scrubs free text for the provider
// instead of withholding it.
func TestScrubbedFreeText(t *testing.T) {
	p := loadPolicy(t, "  provider: withhold", "  provider: scrub")
	assert.Equal(t, safeguarding.Scrub, p.Sharing.FreeTextFor("provider"))
	assert.Equal(t, safeguarding.Withhold, p.Sharing.FreeTextFor("commissioner"))
	data, err := os.ReadFile("../examples/referrals/hr-several-victims-children.json")
	require.NoError(t, err)
	r, problems := referral.Read("hr.json", data)
	require.Empty(t, problems)
	r.BehaviourSummary = "Threatened Sarah Dummy (born 02/12/1987) at 27 Pretend Street; Sarah moved. Call 07700 900222."
	v, err := p.Redact(r, "provider")
	require.NoError(t, err)
	assert.Equal(t, referral.Text("Threatened [redacted] (born [redacted]) at [redacted]; [redacted] moved. Call 07700 900222."), v.BehaviourSummary)
	assert.NotContains(t, v.Withheld, "behaviourSummary")
	assert.NoError(t, v.Validate())
}

func TestUnknownRole(t *testing.T) {
	p := loadPolicy(t)
	tests := []struct {
		name, role, want string
	}{
		{"misspelt", "provder", `Did you mean "provider"?`},
		{"empty", "", `"" is not a role`},
		{"unrelated", "journalist", `the roles are "police-coordinator"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := p.Redact(base(), tt.role)
			assert.Nil(t, v)
			var ur *safeguarding.UnknownRoleError
			require.True(t, errors.As(err, &ur))
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRedactNil(t *testing.T) {
	p := loadPolicy(t)
	v, err := p.Redact(nil, "provider")
	assert.Nil(t, v)
	assert.Error(t, err)
	var none *safeguarding.Sharing
	_, err = none.Redact(base(), "provider")
	assert.Error(t, err)
}

func TestSharingPolicy(t *testing.T) {
	p := loadPolicy(t)
	tests := []struct {
		role, path string
		visible    bool
	}{
		{"provider", "victims[].name", false},
		{"provider", "victims[].address", false},
		{"provider", "children[].dateOfBirth", false},
		{"provider", "subject.phone", true},
		{"provider", "behaviourSummary", true},
		{"victim-link-worker", "victims[].address", true},
		{"victim-link-worker", "subject.name", true},
		{"victim-link-worker", "behaviourSummary", true},
		{"victim-link-worker", "subject.address", false},
		{"victim-link-worker", "subject.phone", false},
		{"commissioner", "subject.name", false},
		{"commissioner", "riskAssessment.score", false},
		{"commissioner", "form", true},
		{"police-coordinator", "victims[].name", true},
		{"provider", "no.such.field", false},
	}
	for _, tt := range tests {
		t.Run(tt.role+" "+tt.path, func(t *testing.T) {
			assert.Equal(t, tt.visible, p.Sharing.Visible(tt.role, tt.path))
		})
	}
	classes, ok := p.Sharing.Sees("commissioner")
	assert.True(t, ok)
	assert.Equal(t, []safeguarding.Class{referral.ClassAdministrative}, classes)
	_, ok = p.Sharing.Sees("nobody")
	assert.False(t, ok)
	assert.True(t, slices.Contains(safeguarding.Roles(), safeguarding.VictimLinkWorker))
}
