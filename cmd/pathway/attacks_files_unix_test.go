//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mkfifo makes a named pipe at path. Opening it for reading would wait
// for a writer that never comes.
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	return path
}

// A device, a named pipe or a folder named as a referral is refused at
// once by every command that reads referrals, naming the path and what to
// name instead: nothing waits for a writer or reads without end.
func TestAttackNonRegularReferrals(t *testing.T) {
	values := attackValues(t)
	dir := t.TempDir()
	inputs := []struct {
		name, path, kind string
	}{
		{name: "dev-zero", path: "/dev/zero", kind: "it is a device, not a regular file"},
		{name: "fifo", path: mkfifo(t, filepath.Join(dir, "referral.json")), kind: "it is a named pipe, not a regular file"},
		{name: "fifo-jsonl", path: mkfifo(t, filepath.Join(dir, "corpus.jsonl")), kind: "it is a named pipe, not a regular file"},
		{name: "folder", path: dir, kind: "it is a folder, not a regular file"},
	}
	commands := []struct {
		name string
		args []string
	}{
		{name: "check", args: []string{"check"}},
		{name: "check text", args: []string{"check", "--format", "text"}},
		{name: "check jsonl", args: []string{"check", "--jsonl"}},
		{name: "validate", args: []string{"validate"}},
		{name: "redact", args: []string{"redact", "--role", "provider"}},
		{name: "impact", args: []string{"impact", "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter"}},
		{name: "report", args: []string{"report", "--period", "2023/24"}},
		{name: "capacity", args: []string{"capacity"}},
	}
	for _, in := range inputs {
		for _, c := range commands {
			t.Run(in.name+"/"+c.name, func(t *testing.T) {
				code, stdout, stderr := runBounded(t, append(c.args, in.path)...)
				assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
				assert.Contains(t, stderr, in.path, "the message names the path")
				assert.Contains(t, stderr, in.kind)
				assert.Contains(t, stderr, "; name a ", "the message says what to name instead")
				assertClean(t, stdout+stderr, values)
			})
		}
	}
}

// Standard input is read through a limit: an endless stream (a device, a
// named pipe whose writer never stops) is too large, at once; a JSON Lines
// stream with no line end stops at its first line.
func TestAttackEndlessStdin(t *testing.T) {
	values := attackValues(t)
	pipe := func(t *testing.T) *os.File {
		path := mkfifo(t, filepath.Join(t.TempDir(), "endless"))
		r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		require.NoError(t, err)
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		require.NoError(t, err)
		go func() {
			block := []byte(strings.Repeat("{\"id\": \"x\", ", 4096))
			for {
				if _, err := w.Write(block); err != nil {
					return
				}
			}
		}()
		t.Cleanup(func() {
			_ = r.Close()
			_ = w.Close()
		})
		return r
	}
	zero := func(t *testing.T) *os.File {
		f, err := os.Open("/dev/zero")
		require.NoError(t, err)
		t.Cleanup(func() { _ = f.Close() })
		return f
	}
	tests := []struct {
		name  string
		stdin func(*testing.T) *os.File
		args  []string
		want  string
	}{
		{name: "check from /dev/zero", stdin: zero, args: []string{"check", "-"}, want: "cannot read standard input: it is too large"},
		{name: "check text from /dev/zero", stdin: zero, args: []string{"check", "--format", "text", "-"}, want: "cannot read standard input: it is too large"},
		{name: "validate from /dev/zero", stdin: zero, args: []string{"validate", "-"}, want: "Cannot read the file: it is too large"},
		{name: "redact from /dev/zero", stdin: zero, args: []string{"redact", "--role", "commissioner", "-"}, want: "cannot read standard input: it is too large"},
		{name: "impact from /dev/zero", stdin: zero, args: []string{"impact", "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter", "-"},
			want: "cannot read standard input: it is too large"},
		{name: "check --jsonl from /dev/zero", stdin: zero, args: []string{"check", "--jsonl", "-"}, want: "standard input: line 1 has no end after"},
		{name: "check from an endless pipe", stdin: pipe, args: []string{"check", "-"}, want: "cannot read standard input: it is too large"},
		{name: "validate from an endless pipe", stdin: pipe, args: []string{"validate", "-"}, want: "Cannot read the file: it is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBoundedIn(t, tt.stdin(t), time.Minute, tt.args...)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, tt.want)
			assertClean(t, stdout+stderr, values)
		})
	}
}

// A rule pack file that is a link to /dev/zero, a named pipe, or a link to
// a file outside the pack's folder is not read: lint names it and says why;
// check, docs and test with --rules refuse the pack. Nothing of the file
// outside is printed.
func TestAttackPackFiles(t *testing.T) {
	const secret = "SECRET-OUTSIDE-THE-PACK"
	outside := filepath.Join(t.TempDir(), "elsewhere.yaml")
	require.NoError(t, os.WriteFile(outside, []byte("programmes:\n  - id: "+secret+"\n    title: "+secret+"\n"), 0o644))
	tests := []struct {
		name, file string
		plant      func(t *testing.T, path string)
		why        string
	}{
		{name: "a link to /dev/zero", file: "eligibility.yaml", plant: func(t *testing.T, path string) {
			require.NoError(t, os.Symlink("/dev/zero", path))
		}, why: "leads outside its folder"},
		{name: "a named pipe", file: "outcomes.yaml", plant: func(t *testing.T, path string) { mkfifo(t, path) },
			why: "It is not a regular file (a device, a named pipe or a socket)"},
		{name: "a link to a file outside the pack", file: "programmes.yaml", plant: func(t *testing.T, path string) {
			require.NoError(t, os.Symlink(outside, path))
		}, why: "leads outside its folder"},
		{name: "a relative link climbing out", file: "programmes.yaml", plant: func(t *testing.T, path string) {
			rel, err := filepath.Rel(filepath.Dir(path), outside)
			require.NoError(t, err)
			require.NoError(t, os.Symlink(rel, path))
		}, why: "leads outside its folder"},
	}
	values := attackValues(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			version := filepath.Join(dir, "2022-08")
			require.NoError(t, os.CopyFS(version, os.DirFS("../../rules/kent/2022-08")))
			path := filepath.Join(version, tt.file)
			require.NoError(t, os.Remove(path))
			tt.plant(t, path)

			code, stdout, stderr := runBounded(t, "lint", "--format", "text", dir)
			assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, "Cannot read the file [unreadable]")
			assert.Contains(t, stdout, filepath.Join("2022-08", tt.file), "the problem names the file")
			assert.Contains(t, stdout, tt.why)
			assert.Contains(t, stdout, "A rule file is a YAML file in the version's folder.", "and says what a rule file must be")
			assertClean(t, stdout+stderr, values, secret)

			for _, args := range [][]string{
				{"lint", dir},
				{"lint", "--format", "json", dir},
				{"check", "--rules", dir, attacks + "referral.json"},
				{"docs", "--rules", dir},
				{"test", "--root", "../..", "--rules", dir, "../../scenarios/kent/versions.yaml"},
			} {
				code, stdout, stderr := runBounded(t, args...)
				assert.NotEqual(t, 0, code, "%v", args)
				assert.Contains(t, stdout+stderr, tt.file, "%v names the file", args)
				assertClean(t, stdout+stderr, values, secret)
			}
		})
	}
}

// Scenario files name referral files inside their root only: a link that
// leads out of it, to a file or to /dev/zero, is referral-outside and is
// not followed; a named pipe inside it is refused without being opened.
func TestAttackScenarioLinks(t *testing.T) {
	values := attackValues(t)
	l := newScenarioLayout(t)
	require.NoError(t, os.Symlink(l.secretReferral, filepath.Join(l.scenarios, "link.json")))
	require.NoError(t, os.Symlink("../../outside/passwd", filepath.Join(l.scenarios, "relative-link.json")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(l.scenarios, "zero.json")))
	require.NoError(t, os.Symlink(l.outside, filepath.Join(l.scenarios, "outside-folder")))
	mkfifo(t, filepath.Join(l.scenarios, "fifo.json"))
	tests := []struct {
		name, referral, code, detail string
	}{
		{name: "a link to a referral outside", referral: "link.json", code: "referral-outside", detail: "The link was not followed."},
		{name: "a relative link climbing out", referral: "relative-link.json", code: "referral-outside", detail: "The link was not followed."},
		{name: "a link to /dev/zero", referral: "zero.json", code: "referral-outside", detail: "The link was not followed."},
		{name: "through a linked folder", referral: "outside-folder/secret.json", code: "referral-outside", detail: "The link was not followed."},
		{name: "a named pipe", referral: "fifo.json", code: "unreadable", detail: "It is not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := l.scenario(t, tt.referral)
			code, stdout, stderr := runBounded(t, "test", file)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, filepath.Base(file)+" line 5, column 15 (cases[0].referral)", "the problem is at the case's line")
			assert.Contains(t, stderr, "["+tt.code+"]")
			assert.Contains(t, stderr, tt.detail)
			assertClean(t, stdout+stderr, values, l.secrets...)
		})
	}
	// A scenario file that is a named pipe is refused too.
	mkfifo(t, filepath.Join(l.scenarios, "pipe.yaml"))
	code, stdout, stderr := runBounded(t, "test", filepath.Join(l.scenarios, "pipe.yaml"))
	assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stderr, "Cannot read the scenario file [unreadable]")
	assert.Contains(t, stderr, "pipe.yaml")
	assert.Contains(t, stderr, "It is not a regular file")
}
