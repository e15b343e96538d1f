package browser

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func start(t *testing.T) *Browser {
	t.Helper()
	path, err := Find()
	if errors.Is(err, ErrNotFound) && os.Getenv("PATHWAY_BROWSER_TESTS") != "1" {
		t.Skip("no Chromium installed (apt-get install chromium); set PATHWAY_BROWSER_TESTS=1 to make this a failure")
	}
	require.NoError(t, err)
	b, err := Start(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestPage(t *testing.T) {
	b := start(t)
	tests := []struct {
		name   string
		width  int
		print  bool
		medium string
	}{
		{"phone", 390, false, "screen"},
		{"desktop", 1280, false, "screen"},
		{"print", 794, true, "print"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := b.Open("data:text/html,<p>hello</p>", tt.width, 600, tt.print)
			require.NoError(t, err)
			defer p.Close()
			w, err := Eval[int](p, "window.innerWidth")
			require.NoError(t, err)
			assert.Equal(t, tt.width, w)
			m, err := Eval[string](p, "matchMedia('print').matches ? 'print' : 'screen'")
			require.NoError(t, err)
			assert.Equal(t, tt.medium, m)
			png, err := p.Screenshot()
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
		})
	}
	_, err := Eval[int](mustOpen(t, b), "no such thing")
	assert.Error(t, err, "a script error is an error")
}

func mustOpen(t *testing.T, b *Browser) *Page {
	t.Helper()
	p, err := b.Open("data:text/html,", 400, 400, false)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

func TestFindHonoursTheEnvironment(t *testing.T) {
	t.Setenv("PATHWAY_CHROMIUM", "/nowhere/chromium")
	_, err := Find()
	assert.ErrorContains(t, err, "PATHWAY_CHROMIUM")
}
