package batch_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
)

// endless is a reader that never ends and never ends a line, like
// /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestLines(t *testing.T) {
	long := strings.Repeat("x", batch.MaxLine+10)
	tests := []struct {
		name  string
		in    string
		lines []string // number:text, or number:TOO-LONG
	}{
		{name: "lines and blank lines", in: "a\n\n  b  \r\nc", lines: []string{"1:a", "3:b", "4:c"}},
		{name: "a line too long is one entry, and reading goes on", in: "a\n" + long + "\nb\n", lines: []string{"1:a", "2:TOO-LONG", "3:b"}},
		{name: "a line too long at the end", in: "a\n" + long, lines: []string{"1:a", "2:TOO-LONG"}},
		{name: "nothing", in: "", lines: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := batch.Lines(strings.NewReader(tt.in), func(l batch.Line) bool {
				text := string(l.Text)
				if l.TooLong {
					assert.Empty(t, l.Text, "a line too long is given without its text")
					text = "TOO-LONG"
				}
				got = append(got, string(rune('0'+l.Number))+":"+text)
				return true
			})
			require.NoError(t, err)
			assert.Equal(t, tt.lines, got)
		})
	}
}

func TestLinesStop(t *testing.T) {
	n := 0
	err := batch.Lines(strings.NewReader("a\nb\nc\n"), func(batch.Line) bool {
		n++
		return n < 2
	})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

// Input that never ends a line (a device, a stream of zeros) stops the
// batch with an error naming the line, after a bounded read.
func TestRunawayLine(t *testing.T) {
	tests := []struct {
		name string
		in   io.Reader
		line string
	}{
		{name: "at once", in: endless{}, line: "line 1 has no end"},
		{name: "after good lines", in: io.MultiReader(strings.NewReader("{}\n\n"), endless{}), line: "line 3 has no end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := batch.Lines(tt.in, func(batch.Line) bool { return true })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.line)
			assert.Contains(t, err.Error(), "this is not JSON Lines")

			var out bytes.Buffer
			_, err = batch.AssessLines(context.Background(), pathway.Default(), endless{}, &out, batch.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "line 1 has no end")
			assert.Equal(t, 0, out.Len(), "the over-long line is not written: reading stopped in it")
		})
	}
}
