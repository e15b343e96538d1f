package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/server"
)

// TestMain lets a test run this binary as the pathway command itself
// (PATHWAY_TEST_MAIN=1), to send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("PATHWAY_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func writeTokens(t *testing.T, dir, role, token string) string {
	t.Helper()
	path := filepath.Join(dir, "tokens.yaml")
	require.NoError(t, os.WriteFile(path, []byte("tokens:\n  - name: test-system\n    role: "+role+"\n    sha256: "+server.HashToken(token)+"\n"), 0o600))
	return path
}

func TestServeRefuses(t *testing.T) {
	dir := t.TempDir()
	tokens := writeTokens(t, dir, "referrer", "t")
	openDir := filepath.Join(dir, "open")
	require.NoError(t, os.Mkdir(openDir, 0o700))
	require.NoError(t, os.Chmod(openDir, 0o777))
	privateDir := filepath.Join(dir, "private")
	require.NoError(t, os.Mkdir(privateDir, 0o700))
	judge := filepath.Join(dir, "judge.yaml")
	require.NoError(t, os.WriteFile(judge, []byte("tokens:\n  - name: a\n    role: judge\n    sha256: "+server.HashToken("x")+"\n"), 0o600))
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{name: "no tokens", args: []string{"serve"}, stderr: "--tokens is needed"},
		{name: "tokens and insecure local", args: []string{"serve", "--tokens", tokens, "--insecure-local"}, stderr: "leave it out when giving --tokens"},
		{name: "insecure on every interface", args: []string{"serve", "--insecure-local", "--addr", ":8080"}, stderr: "needs a loopback --addr"},
		{name: "insecure on another machine's address", args: []string{"serve", "--insecure-local", "--addr", "192.0.2.1:8080"}, stderr: "needs a loopback --addr"},
		{name: "watch without rules", args: []string{"serve", "--insecure-local", "--watch"}, stderr: "--watch needs --rules"},
		{name: "bad log level", args: []string{"serve", "--insecure-local", "--log-level", "loud"}, stderr: "--log-level must be"},
		{name: "no tokens file", args: []string{"serve", "--tokens", filepath.Join(dir, "none.yaml")}, stderr: "It does not exist"},
		{name: "a role the pack lacks", args: []string{"serve", "--tokens", judge}, stderr: "not a sharing role"},
		{name: "a decision log that is a folder", args: []string{"serve", "--tokens", tokens, "--decision-log", dir}, stderr: "not a regular file"},
		{name: "a broken pack", args: []string{"serve", "--tokens", tokens, "--rules", "../../testdata/broken/unknown-key"}, stderr: "problem(s)"},
		{name: "an address that cannot be had", args: []string{"serve", "--tokens", tokens, "--addr", "127.0.0.1:99999"}, stderr: "cannot listen"},
		{name: "arguments", args: []string{"serve", "--tokens", tokens, "extra"}, stderr: "unknown command"},
		{name: "an outbox that does not exist", args: []string{"serve", "--tokens", tokens, "--outbox", filepath.Join(dir, "none")}, stderr: "It does not exist"},
		{name: "an outbox that is a file", args: []string{"serve", "--tokens", tokens, "--outbox", tokens}, stderr: "not a folder"},
		{name: "an outbox open to everyone", args: []string{"serve", "--tokens", tokens, "--outbox", openDir}, stderr: "chmod 700"},
		{name: "an outbox of no files", args: []string{"serve", "--tokens", tokens, "--outbox", privateDir, "--outbox-max", "0"}, stderr: "--outbox-max must be at least 1"},
		{name: "a trusted proxy without the public form", args: []string{"serve", "--tokens", tokens, "--trusted-proxy", "10.0.0.1"}, stderr: "--trusted-proxy needs --public-form"},
		{name: "a trusted proxy that is not an address", args: []string{"serve", "--tokens", tokens, "--public-form", "--trusted-proxy", "proxy.example"}, stderr: "--trusted-proxy takes an IP address or a CIDR range"},
		{name: "a most without an outbox", args: []string{"serve", "--tokens", tokens, "--outbox-max", "10"}, stderr: "--outbox-max needs --outbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestSchemaAssessment(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "schema", "assessment")
	require.Equal(t, 0, code)
	want, err := os.ReadFile("../../docs/schemas/assessment.schema.json")
	require.NoError(t, err)
	assert.Equal(t, string(want), stdout)
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "--version")
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "pathway "+pathway.EngineVersion()+"\ncommit "), stdout)
	assert.Contains(t, stdout, runtime.Version())
	assert.Contains(t, stdout, "embedded pack kent:")
	for _, v := range pathway.Default().Versions() {
		assert.Contains(t, stdout, v.Version+"  "+v.Effective.From.String()+" to "+v.Effective.To.String()+"  "+v.Digest)
	}
}

// copyPack copies the kent pack into a folder of its own.
func copyPack(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "kent")
	require.NoError(t, os.CopyFS(dst, os.DirFS("../../rules/kent")))
	return dst
}

// A real process: SIGHUP with a broken pack keeps the last good one;
// SIGHUP with a good one serves it; SIGTERM stops it cleanly.
func TestServeSignals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGHUP or SIGTERM")
	}
	dir := t.TempDir()
	rules := copyPack(t)
	tokens := writeTokens(t, dir, "provider", "the-token")
	decisions := filepath.Join(dir, "decisions.jsonl")
	cmd := exec.Command(os.Args[0], "serve", "--rules", rules, "--addr", "127.0.0.1:0", "--tokens", tokens, "--decision-log", decisions)
	cmd.Env = append(os.Environ(), "PATHWAY_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	lines := make(chan string, 100)
	var logged bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	waitFor := func(pattern string) []string {
		t.Helper()
		re := regexp.MustCompile(pattern)
		timeout := time.After(30 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				require.True(t, ok, "the service stopped early:\n%s", logged.String())
				logged.WriteString(l + "\n")
				if m := re.FindStringSubmatch(l); m != nil {
					return m
				}
			case <-timeout:
				t.Fatalf("no log line matched %s:\n%s", pattern, logged.String())
			}
		}
	}
	addr := waitFor(`msg=serving addr=(127\.0\.0\.1:\d+)`)[1]
	get := func(path string) map[string]any {
		t.Helper()
		req, err := http.NewRequest("GET", "http://"+addr+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer the-token")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return m
	}
	digestOf := func() string {
		vs := get("/v1/pack")["versions"].([]any)
		return vs[len(vs)-1].(map[string]any)["digest"].(string)
	}
	before := digestOf()

	data, err := os.ReadFile("../../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	req, err := http.NewRequest("POST", "http://"+addr+"/v1/assess", bytes.NewReader(data))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer the-token")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	id := resp.Header.Get("X-Decision-Id")

	elig := filepath.Join(rules, "2022-08", "eligibility.yaml")
	good, err := os.ReadFile(elig)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(elig, []byte("criteria: [\n"), 0o644))
	require.NoError(t, cmd.Process.Signal(syscall.SIGHUP))
	waitFor(`the rule pack was not reloaded`)
	waitFor(`rule pack problem`)
	assert.Equal(t, before, digestOf(), "the last good pack keeps serving")

	require.NoError(t, os.WriteFile(elig, append(good, []byte("\n# reviewed\n")...), 0o644))
	require.NoError(t, cmd.Process.Signal(syscall.SIGHUP))
	waitFor(`rule pack reloaded`)
	assert.NotEqual(t, before, digestOf(), "the new pack is served")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitFor(`stopped: every request in flight was answered`)
	for range lines {
	}
	select {
	case err := <-done:
		require.NoError(t, err, "exit status 0 after a clean shutdown")
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not stop")
	}
	log, err := os.ReadFile(decisions)
	require.NoError(t, err)
	assert.Equal(t, 1, bytes.Count(log, []byte("\n")))
	assert.Contains(t, string(log), `"id":"`+id+`"`)
	info, err := os.Stat(decisions)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the decision log is the service's own")
}

// --watch reloads the pack once its files have changed and settled.
func TestServeWatch(t *testing.T) {
	rules := copyPack(t)
	before, err := fingerprint(rules)
	require.NoError(t, err)
	again, err := fingerprint(rules)
	require.NoError(t, err)
	assert.Equal(t, before, again, "the same files, the same fingerprint")
	require.NoError(t, os.WriteFile(filepath.Join(rules, "2022-08", "eligibility.yaml"), []byte("# changed\n"), 0o644))
	after, err := fingerprint(rules)
	require.NoError(t, err)
	assert.NotEqual(t, before, after)
	_, err = fingerprint(filepath.Join(rules, "none"))
	assert.Error(t, err)
}

func TestWatchReloadsOnce(t *testing.T) {
	rules := copyPack(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reloads := make(chan struct{}, 10)
	go watch(ctx, rules, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), func() { reloads <- struct{}{} })
	time.Sleep(100 * time.Millisecond)
	select {
	case <-reloads:
		t.Fatal("nothing changed, yet the pack was reloaded")
	default:
	}
	require.NoError(t, os.WriteFile(filepath.Join(rules, "2022-08", "outcomes.yaml"), []byte("metrics: []\n"), 0o644))
	select {
	case <-reloads:
	case <-time.After(10 * time.Second):
		t.Fatal("a change was not seen")
	}
	time.Sleep(200 * time.Millisecond)
	assert.Empty(t, reloads, "one change, one reload")
}

// A real process with --outbox and --public-form: the form's description
// says where to send; a referral sent without a token lands in the outbox
// as one private file; /v1 still needs a token.
func TestServeOutboxAndPublicForm(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM")
	}
	dir := t.TempDir()
	outbox := filepath.Join(dir, "outbox")
	require.NoError(t, os.Mkdir(outbox, 0o700))
	tokens := writeTokens(t, dir, "referrer", "the-token")
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--tokens", tokens, "--outbox", outbox, "--outbox-max", "5", "--public-form",
		"--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "::1")
	cmd.Env = append(os.Environ(), "PATHWAY_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	addr := ""
	re := regexp.MustCompile(`msg=serving addr=(127\.0\.0\.1:\d+)`)
	for addr == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	require.NotEmpty(t, addr, "the service started")
	go func() {
		for sc.Scan() {
		}
	}()
	base := "http://" + addr

	resp, err := http.Get(base + "/refer/form.json")
	require.NoError(t, err)
	var form server.FormDescription
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&form))
	resp.Body.Close()
	assert.False(t, form.Token)
	assert.Equal(t, "/refer/api/send", form.Send)

	data, err := os.ReadFile("../../examples/referrals/cobi-eligible.json")
	require.NoError(t, err)
	post := func(path string) *http.Response {
		resp, err := http.Post(base+path, "application/json", bytes.NewReader(data))
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	resp = post("/refer/api/send")
	require.Equal(t, 200, resp.StatusCode)
	entries, err := os.ReadDir(outbox)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, resp.Header.Get("X-Decision-Id")+".json", entries[0].Name())
	info, err := entries[0].Info()
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	assert.Equal(t, 401, post("/v1/assess").StatusCode, "/v1 still needs a token")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
}

func TestParseProxies(t *testing.T) {
	got, err := parseProxies([]string{"10.0.0.5", "10.1.0.0/16", "::1", "10.2.3.4/8", "::ffff:192.0.2.1"})
	require.NoError(t, err)
	var out []string
	for _, p := range got {
		out = append(out, p.String())
	}
	assert.Equal(t, []string{"10.0.0.5/32", "10.1.0.0/16", "::1/128", "10.0.0.0/8", "192.0.2.1/32"}, out)
	_, err = parseProxies([]string{"10.0.0.300"})
	assert.Error(t, err)
}
