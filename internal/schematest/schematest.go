// Package schematest compiles JSON Schemas for tests that hold documents to
// them: the schemas Pathway publishes, and others' (SARIF) kept in
// testdata. Formats are asserted, as a strict validator would.
package schematest

import (
	"bytes"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// Compile compiles the schema in data, failing the test when it is not a
// valid JSON Schema.
func Compile(t testing.TB, data []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err, "the schema is not JSON")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("schema.json", doc))
	s, err := c.Compile("schema.json")
	require.NoError(t, err, "the schema does not compile")
	return s
}

// Generated compiles the schema that gen makes.
func Generated(t testing.TB, gen func() ([]byte, error)) *jsonschema.Schema {
	t.Helper()
	data, err := gen()
	require.NoError(t, err)
	return Compile(t, data)
}

// File compiles the schema in the file at path.
func File(t testing.TB, path string) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return Compile(t, data)
}
