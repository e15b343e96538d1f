package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
)

// A JSON Lines request that sends more than its limit stops with an
// error, and the line it was cut in is neither assessed nor recorded.
func TestLinesLimit(t *testing.T) {
	data, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	var line bytes.Buffer
	require.NoError(t, json.Compact(&line, data))
	one := line.String() + "\n"
	tests := []struct {
		name  string
		lines int
		limit int64
		want  []int // the lines assessed
		err   bool
	}{
		{name: "within the limit", lines: 3, limit: int64(3 * len(one)), want: []int{1, 2, 3}},
		{name: "cut in the third line", lines: 3, limit: int64(2*len(one) + 10), want: []int{1, 2}, err: true},
		{name: "cut in the first line", lines: 3, limit: 10, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := http.NewResponseController(httptest.NewRecorder())
			in := &progressReader{r: strings.NewReader(strings.Repeat(one, tt.lines)), rc: rc, limit: tt.limit}
			var mu sync.Mutex
			var seen []int
			_, err := batch.AssessLines(context.Background(), pathway.Default(), in, io.Discard, batch.Options{Workers: 1,
				Assessed: func(line int, _ *pathway.Assessment) error {
					mu.Lock()
					defer mu.Unlock()
					seen = append(seen, line)
					return nil
				}})
			if tt.err {
				assert.True(t, errors.Is(err, errTooMuch), "%v", err)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.want, seen)
		})
	}
}
