package server_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/server"
)

const hashA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")

func TestParseTokens(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []server.Caller // when the file is good
	}{
		{name: "good", file: "tokens:\n  - name: kent-police-case-system\n    role: police-coordinator\n    sha256: " + hashA + "\n  - name: provider\n    role: provider\n    sha256: " + strings.ToUpper(server.HashToken("other")) + "\n",
			want: []server.Caller{{Name: "kent-police-case-system", Role: "police-coordinator"}, {Name: "provider", Role: "provider"}}},
		{name: "not yaml", file: "tokens: [\n  - name: x\n"},
		{name: "empty", file: ""},
		{name: "a list at the top", file: "- name: x\n"},
		{name: "no tokens", file: "tokens: []\n"},
		{name: "other keys", file: "tokens:\n  - name: a\n    role: referrer\n    sha256: " + hashA + "\nusers: []\n"},
		{name: "plain token", file: "tokens:\n  - name: a\n    role: referrer\n    token: s3cret-value\n"},
		{name: "bad entries", file: "tokens:\n  - just-a-string\n  - name: \"\\x07bell\"\n    role: referrer\n    sha256: not-hex\n  - role: [a, b]\n    sha256: abcd\n    colour: blue\n"},
		{name: "duplicate name", file: "tokens:\n  - name: a\n    role: referrer\n    sha256: " + hashA + "\n  - name: a\n    role: provider\n    sha256: " + server.HashToken("b") + "\n"},
		{name: "duplicate hash", file: "tokens:\n  - name: a\n    role: referrer\n    sha256: " + hashA + "\n  - name: b\n    role: provider\n    sha256: " + hashA + "\n"},
		{name: "duplicate key", file: "tokens:\n  - name: a\n    name: b\n    role: referrer\n    sha256: " + hashA + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens, err := server.ParseTokens("tokens.yaml", []byte(tt.file))
			if tt.want != nil {
				require.NoError(t, err)
				require.Equal(t, len(tt.want), tokens.Len())
				c, ok := tokens.Lookup("test")
				assert.True(t, ok)
				assert.Equal(t, tt.want[0], c)
				c, ok = tokens.Lookup("other")
				assert.True(t, ok)
				assert.Equal(t, tt.want[1], c)
				return
			}
			require.Error(t, err)
			var l diag.List
			require.True(t, errors.As(err, &l), "the error is a diag.List")
			var b bytes.Buffer
			require.NoError(t, l.Text(&b))
			for _, secret := range []string{"s3cret-value", "bell", "blue", "just-a-string", "not-hex"} {
				assert.NotContains(t, b.String(), secret, "a message never repeats a value from the file")
			}
			golden.Check(t, filepath.Join("testdata", "tokens", strings.ReplaceAll(tt.name, " ", "-")+".golden"), b.Bytes())
		})
	}
}

func TestLookup(t *testing.T) {
	tokens := testTokens(t)
	tests := []struct {
		name, token string
		want        server.Caller
		ok          bool
	}{
		{name: "a known token", token: tokenOf("provider"), want: server.Caller{Name: "provider-system", Role: "provider"}, ok: true},
		{name: "another", token: tokenOf("commissioner"), want: server.Caller{Name: "commissioner-system", Role: "commissioner"}, ok: true},
		{name: "unknown", token: "nope"},
		{name: "empty", token: ""},
		{name: "a prefix of a known token", token: tokenOf("provider")[:10]},
		{name: "a known token and more", token: tokenOf("provider") + "x"},
		{name: "a hash instead of the token", token: server.HashToken(tokenOf("provider"))},
		{name: "far too long", token: strings.Repeat("x", 1<<16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tokens.Lookup(tt.token)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReadTokens(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tokens.yaml")
	require.NoError(t, os.WriteFile(good, []byte("tokens:\n  - name: a\n    role: referrer\n    sha256: "+hashA+"\n"), 0o600))
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte("#\n"), server.MaxTokensFile), 0o600))
	fifo := filepath.Join(dir, "fifo")
	hasFIFO := mkfifo(fifo) == nil
	shared := filepath.Join(dir, "shared.yaml")
	require.NoError(t, os.WriteFile(shared, []byte("tokens:\n  - name: a\n    role: referrer\n    sha256: "+hashA+"\n"), 0o600))
	require.NoError(t, os.Chmod(shared, 0o666))
	link := filepath.Join(dir, "link.yaml")
	require.NoError(t, os.Symlink(good, link))

	tests := []struct {
		name, path, want string // want: "" for success, else part of the problem
	}{
		{name: "a file", path: good},
		{name: "a link to a file", path: link},
		{name: "missing", path: filepath.Join(dir, "none.yaml"), want: "It does not exist"},
		{name: "a folder", path: dir, want: "not a regular file"},
		{name: "a pipe, which would block", path: fifo, want: "not a regular file"},
		{name: "too large", path: big, want: "larger than"},
		{name: "writable by others", path: shared, want: "chmod go-w"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == fifo && !hasFIFO {
				t.Skip("no named pipes here")
			}
			if tt.path == shared && runtime.GOOS == "windows" {
				t.Skip("no Unix permissions here")
			}
			tokens, err := server.ReadTokens(tt.path)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, 1, tokens.Len())
				return
			}
			require.Error(t, err)
			assert.Contains(t, diag.From(err)[0].Detail, tt.want)
		})
	}
}
