package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStudioCommandRefuses(t *testing.T) {
	const kent = "../../rules/kent"
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"every interface", []string{"studio", "--addr", ":8080", kent}, "not on every network interface"},
		{"every IPv4 interface", []string{"studio", "--addr", "0.0.0.0:8080", kent}, "not on 0.0.0.0"},
		{"a private address", []string{"studio", "--addr", "192.168.1.2:8080", kent}, "not on 192.168.1.2"},
		{"a host name", []string{"studio", "--addr", "studio.example:8080", kent}, "not on studio.example"},
		{"no port", []string{"studio", "--addr", "127.0.0.1", kent}, "is not an address HOST:PORT"},
		{"no folder", []string{"studio"}, "accepts 1 arg(s)"},
		{"not a folder", []string{"studio", "no-such-folder"}, "does not exist or is not a folder"},
		{"not a pack", []string{"studio", "testdata"}, "is not a rule pack"},
		{"scenarios outside the current folder", []string{"studio", "--scenarios", "../../scenarios/kent", kent}, "must be inside the current folder"},
		{"no such corpus", []string{"studio", "--corpus", "no-such-corpus.jsonl", kent}, "cannot read the corpus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout, "no address printed")
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// The command prints the address with its token, serves the studio there,
// and stops when asked.
func TestStudioCommandServes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "2022-08")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, name := range []string{"pack.yaml", "eligibility.yaml", "programmes.yaml", "safeguarding.yaml", "outcomes.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../rules/kent/2022-08", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	cmd := newStudioCmd()
	cmd.SetArgs([]string{"--corpus", "../../studio/testdata/corpus", dir})
	cmd.SetOut(w)
	cmd.SetErr(io.Discard)
	done := make(chan error, 1)
	go func() {
		done <- cmd.ExecuteContext(ctx)
		_ = w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	url := strings.TrimSpace(line)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{43}$`, url)

	res, err := http.Get(url)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(body), "Pathway studio")

	res, err = http.Get(strings.Split(url, "?")[0])
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the token is needed")

	cancel()
	assert.NoError(t, <-done)
}
