package pathway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/schematest"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/referral"
)

// The published schema (docs/schemas/assessment.schema.json) is what
// AssessmentSchema generates.
func TestAssessmentSchemaFile(t *testing.T) {
	data, err := pathway.AssessmentSchema()
	require.NoError(t, err)
	golden.Check(t, filepath.Join("docs", "schemas", "assessment.schema.json"), append(data, '\n'))
}

// Every example referral's assessment, on its own date and on dates that
// give every decision, passes the assessment's schema; and the schema
// refuses what is not an assessment.
func TestAssessmentsPassTheSchema(t *testing.T) {
	schema := schematest.Generated(t, pathway.AssessmentSchema)

	files, err := filepath.Glob("examples/referrals/*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	decisions := map[pathway.Decision]bool{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			r, problems := referral.Read(filepath.Base(f), src)
			require.NotNil(t, r)
			for _, opts := range [][]pathway.AssessOption{nil, {pathway.At(referral.MustDate("2022-01-10"))}} {
				a, err := pathway.Default().Assess(context.Background(), r, append(opts, pathway.WithProblems(problems))...)
				require.NoError(t, err)
				decisions[a.Decision] = true
				js, err := json.Marshal(a)
				require.NoError(t, err)
				v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
				require.NoError(t, err)
				assert.NoError(t, schema.Validate(v))
			}
		})
	}
	assert.Len(t, decisions, 4, "the examples give every decision")

	for _, tt := range []struct{ name, doc string }{
		{name: "not an object", doc: `[]`},
		{name: "no decision", doc: `{"referral": "x"}`},
		{name: "a decision that is not one", doc: `{"referral":"x","pack":{"name":"kent","version":"2022-08","digest":"sha256:00","engine":"devel"},"at":"2024-05-14","decision":"maybe","problems":[],"failed":[],"unknown":[],"missing":[],"rules":[],"programmes":[],"actions":[]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(tt.doc)))
			require.NoError(t, err)
			assert.Error(t, schema.Validate(v))
		})
	}
}
