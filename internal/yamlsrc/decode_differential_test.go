package yamlsrc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// checkSameReferral decodes data into a referral through the JSON reader
// and through yaml's parser: whenever both read it, the referral decoded
// and the problems found (code, path and line) must be the same.
func checkSameReferral(t *testing.T, data []byte) bool {
	viaJSON, viaYAML := yamlsrc.ReadBothWays("r.json", data)
	if viaJSON == nil || viaYAML == nil || bytes.ContainsRune(bytes.ReplaceAll(data, []byte("\r\n"), nil), '\r') {
		return false
	}
	decode := func(f *yamlsrc.File) (string, []string) {
		var r referral.Referral
		_, problems := yamlsrc.Decode(f, f.Root, "", &r)
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b), summary(problems)
	}
	jr, jp := decode(viaJSON)
	yr, yp := decode(viaYAML)
	require.Equal(t, yr, jr, "the referral decoded from %q", data)
	require.Equal(t, yp, jp, "the problems found in %q", data)
	return true
}

func summary(l diag.List) []string {
	out := []string{}
	for _, d := range l {
		out = append(out, fmt.Sprintf("%s %s %d", d.Code, d.Path, d.Range.Start.Line))
	}
	return out
}

func TestJSONAndYAMLDecodeTheSameReferral(t *testing.T) {
	files, err := filepath.Glob("../../examples/referrals/*.json")
	require.NoError(t, err)
	read := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		if checkSameReferral(t, data) {
			read++
		}
	}
	require.Greater(t, read, len(files)/2)
}

// FuzzJSONAndYAMLDecodeTheSameReferral is the differential fuzz target of
// the source layer: the JSON reader, which most referrals go through, must
// decode what yaml's general parser decodes.
func FuzzJSONAndYAMLDecodeTheSameReferral(f *testing.F) {
	files, _ := filepath.Glob("../../examples/referrals/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"id": "x", "victims": [{"name": "a", "relationship": "other", "knownToSupportService": false}], "subject": {"nextCourtDate": "2024-02-30"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameReferral(t, data)
	})
}
