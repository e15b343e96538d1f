package outcomes

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/schematest"
)

func eventSchemaCompiled(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.Generated(t, Schema)
}

// TestSchemaAcceptsTheExampleLog validates every line of the sample log
// against the schema.
func TestSchemaAcceptsTheExampleLog(t *testing.T) {
	s := eventSchemaCompiled(t)
	f, err := os.Open("../examples/events/2023-24.jsonl")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(sc.Text()))
		require.NoError(t, err)
		assert.NoError(t, s.Validate(v), "line %d", n)
	}
	require.NoError(t, sc.Err())
	assert.Greater(t, n, 600)
}

func TestSchemaAgreesWithTheReader(t *testing.T) {
	s := eventSchemaCompiled(t)
	tests := []struct {
		name string
		line string
		ok   bool
	}{
		{"referred", `{"case": "C-1", "type": "referred", "on": "2023-05-02"}`, true},
		{"started with its programme", `{"case": "C-1", "type": "started", "on": "2023-05-02", "programme": "cobi"}`, true},
		{"withdrawn in the case system's words", `{"case": "C-1", "type": "withdrawn", "on": "2023-05-02", "reason": "moved out of area"}`, true},
		{"score", `{"case": "C-1", "type": "score", "on": "2023-05-02", "instrument": "perpetrator-risk", "phase": "pre", "value": 12.5}`, true},
		{"missing date", `{"case": "C-1", "type": "referred"}`, false},
		{"unknown type", `{"case": "C-1", "type": "refered", "on": "2023-05-02"}`, false},
		{"unknown field", `{"case": "C-1", "type": "referred", "on": "2023-05-02", "colour": "red"}`, false},
		{"allocated without programme", `{"case": "C-1", "type": "allocated", "on": "2023-05-02"}`, false},
		{"programme on referred", `{"case": "C-1", "type": "referred", "on": "2023-05-02", "programme": "cobi"}`, false},
		{"score without phase", `{"case": "C-1", "type": "score", "on": "2023-05-02", "instrument": "x", "value": 1}`, false},
		{"victims as text", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-02", "victims": "2"}`, false},
		{"not a date", `{"case": "C-1", "type": "referred", "on": "2023-02-30"}`, false},
		{"a name for a case id", `{"case": "Jane Doe", "type": "referred", "on": "2023-05-02"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.line))
			require.NoError(t, err)
			err = s.Validate(v)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
			// The reader agrees, leaving aside the lifecycle and warnings,
			// which the schema cannot see.
			var errs []string
			for _, d := range ReadEvents("e.jsonl", strings.NewReader(tt.line), nil) {
				switch d.Code {
				case CodeBeforeReferral, CodeUnexpected, CodeDuplicate, CodeProgrammeMismatch:
				default:
					if d.Severity.String() == "error" {
						errs = append(errs, d.Compact())
					}
				}
			}
			assert.Equal(t, tt.ok, len(errs) == 0, "the reader agrees: %v", errs)
		})
	}
}
