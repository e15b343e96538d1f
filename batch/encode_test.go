package batch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
	gen "github.com/saferpath/pathway/internal/corpus"
)

// TestLinesAreWhatMarshalWrites checks that each line written is, byte for
// byte, what json.Marshal writes for its assessment: over the generated
// corpus, the example referrals, and lines that are not referrals.
func TestLinesAreWhatMarshalWrites(t *testing.T) {
	var in bytes.Buffer
	in.Write(gen.Lines(1500, 13))
	files, err := filepath.Glob("../examples/referrals/*.json")
	require.NoError(t, err)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal(data, &v))
		line, err := json.Marshal(v)
		require.NoError(t, err)
		in.Write(append(line, '\n'))
	}
	for _, s := range []string{"not json <script>", `{"id": "<b>&\u2028", "form": 7}`, "[1]", `{"id":"x\ud800"}`, "\xff\xfe"} {
		in.WriteString(s + "\n")
	}
	var mu sync.Mutex
	assessed := map[int]*pathway.Assessment{}
	var out bytes.Buffer
	sum, err := batch.AssessLines(context.Background(), pathway.Default(), &in, &out, batch.Options{Workers: 3,
		Assessed: func(line int, a *pathway.Assessment) error {
			mu.Lock()
			defer mu.Unlock()
			assessed[line] = a
			return nil
		}})
	require.NoError(t, err)
	written := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, written, sum.Lines)
	require.Len(t, assessed, sum.Lines)
	for i, l := range written {
		want, err := json.Marshal(assessed[i+1])
		require.NoError(t, err)
		assert.Equal(t, string(want), l, "line %d", i+1)
	}
}
