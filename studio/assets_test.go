package studio_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/leakcheck"
	"github.com/saferpath/pathway/referral"
)

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// personalValues are the personal values of every referral file in dirs.
func personalValues(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			if r, _ := referral.Read(e.Name(), data); r != nil {
				out = append(out, leakcheck.Values(r)...)
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}

var (
	attrURL = regexp.MustCompile(`(?i)\b(?:src|href|action|formaction)\s*=\s*"([^"]*)"`)
	anyURL  = regexp.MustCompile(`(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(\s*['"]?(?:https?:)?//`)
)

// The page loads nothing from another site: every address in the page is
// the studio's own, and no script or style it loads names another site
// except in a comment.
func TestNoAddressOutsideTheStudio(t *testing.T) {
	r := start(t)
	res, page := r.do(t, request{path: "/"})
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.NotRegexp(t, anyURL, string(page))
	var links [][]string
	for _, l := range attrURL.FindAllStringSubmatch(string(page), -1) {
		if !strings.HasPrefix(l[1], "#") { // a place in the page itself
			links = append(links, l)
		}
	}
	require.Len(t, links, 8, "an icon, three styles and four scripts")
	for _, l := range links {
		link := strings.ReplaceAll(l[1], "&amp;", "&")
		t.Run(link[:strings.Index(link, "?")], func(t *testing.T) {
			require.True(t, strings.HasPrefix(link, "/assets/"), "%s is not the studio's", link)
			assert.True(t, strings.HasSuffix(link, "?token="+r.Token()))
			res, body := r.do(t, request{path: link, noToken: true})
			require.Equal(t, http.StatusOK, res.StatusCode)
			// An SVG names its XML namespace; nothing is fetched from it.
			text := strings.ReplaceAll(string(body), `xmlns="http://www.w3.org/2000/svg"`, "")
			for i, line := range strings.Split(text, "\n") {
				code := strings.TrimSpace(line)
				if strings.HasPrefix(code, "//") || strings.HasPrefix(code, "/*") || strings.HasPrefix(code, "*") {
					continue // a comment: a licence, a reference for readers
				}
				assert.NotRegexp(t, anyURL, line, "line %d", i+1)
			}
			// Styles load no file: the lint addon's data: images are not
			// loaded under the page's policy, and studio.css replaces them.
			if strings.Contains(link, ".css") {
				assert.NotContains(t, strings.ReplaceAll(string(body), `url("data:image/png;base64,`, ""), "url(", "a style loads a file")
			}
		})
	}
}

// No library package imports the studio or what only it needs (the
// Markdown renderer, the browser driver of its tests): partner systems
// import the library without them.
func TestLibraryDoesNotImportTheStudio(t *testing.T) {
	gobin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list imports")
	cmd := exec.Command(gobin, "list", "-deps", "-test=false",
		"github.com/saferpath/pathway", "github.com/saferpath/pathway/referral", "github.com/saferpath/pathway/eligibility",
		"github.com/saferpath/pathway/programmes", "github.com/saferpath/pathway/safeguarding", "github.com/saferpath/pathway/outcomes",
		"github.com/saferpath/pathway/scenario", "github.com/saferpath/pathway/diag", "github.com/saferpath/pathway/rule",
		"github.com/saferpath/pathway/batch", "github.com/saferpath/pathway/impact", "github.com/saferpath/pathway/policydoc")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	deps := out.String()
	require.Contains(t, deps, "github.com/saferpath/pathway/referral\n")
	for _, forbidden := range []string{"github.com/saferpath/pathway/studio", "github.com/yuin/goldmark", "github.com/chromedp/"} {
		assert.NotContains(t, deps, forbidden)
	}
}
