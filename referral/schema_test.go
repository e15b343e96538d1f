package referral

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/schematest"
)

func compiledSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.Generated(t, Schema)
}

// instance reads an example file, JSON or YAML, as a JSON value.
func instance(t *testing.T, file string) any {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	if strings.HasSuffix(file, ".yaml") {
		// The wire format is JSON: decode the YAML and encode it as JSON.
		r, err := Decode(file, data)
		require.NoError(t, err)
		data, err = json.Marshal(r)
		require.NoError(t, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return v
}

func TestSchemaValidatesValidExamples(t *testing.T) {
	s := compiledSchema(t)
	files, err := filepath.Glob("../examples/referrals/*")
	require.NoError(t, err)
	valid := 0
	for _, file := range files {
		if strings.HasPrefix(filepath.Base(file), "invalid-") {
			continue
		}
		valid++
		t.Run(filepath.Base(file), func(t *testing.T) {
			assert.NoError(t, s.Validate(instance(t, file)))
		})
	}
	assert.GreaterOrEqual(t, valid, 6)
}

func TestSchemaRejects(t *testing.T) {
	s := compiledSchema(t)
	base := func() map[string]any {
		v := instance(t, "../examples/referrals/hr-eligible.json")
		return v.(map[string]any)
	}
	tests := []struct {
		name   string
		change func(r map[string]any)
		want   string
	}{
		{name: "wrong enumeration", change: func(r map[string]any) { r["form"] = "stalking" }, want: "form"},
		{name: "unknown field", change: func(r map[string]any) { r["subject"].(map[string]any)["mentalHelth"] = "none" }, want: "mentalHelth"},
		{name: "malformed email", change: func(r map[string]any) { r["referrer"].(map[string]any)["email"] = "not-an-email" }, want: "email"},
		{name: "malformed date", change: func(r map[string]any) { r["dateSent"] = "14/05/2024" }, want: "dateSent"},
		{name: "missing required field", change: func(r map[string]any) { delete(r, "id") }, want: "id"},
		{name: "no victims", change: func(r map[string]any) { r["victims"] = []any{} }, want: "victims"},
		{name: "no referrer contact", change: func(r map[string]any) {
			ref := r["referrer"].(map[string]any)
			delete(ref, "phone")
			delete(ref, "email")
		}, want: "referrer"},
		{name: "reason not known missing", change: func(r map[string]any) {
			r["victims"].([]any)[0].(map[string]any)["knownToSupportService"] = false
		}, want: "reasonNotKnown"},
		{name: "services provided missing", change: func(r map[string]any) {
			delete(r["victims"].([]any)[0].(map[string]any), "servicesProvided")
		}, want: "servicesProvided"},
		{name: "updates without consent", change: func(r map[string]any) {
			r["victims"].([]any)[0].(map[string]any)["consentsToContact"] = false
		}, want: "consentsToContact"},
		{name: "spo unanswered on cobi", change: func(r map[string]any) { r["form"] = "cobi" }, want: "subjectToSPO"},
		{name: "risk details missing", change: func(r map[string]any) { r["riskToStaff"] = map[string]any{"present": true} }, want: "details"},
		{name: "score out of range", change: func(r map[string]any) {
			r["riskAssessment"].(map[string]any)["score"] = json.Number("25")
		}, want: "score"},
		{name: "too many children", change: func(r map[string]any) {
			kids := make([]any, MaxChildren+1)
			for i := range kids {
				kids[i] = map[string]any{}
			}
			r["children"] = kids
		}, want: "children"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			require.NoError(t, s.Validate(r))
			tt.change(r)
			err := s.Validate(r)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
