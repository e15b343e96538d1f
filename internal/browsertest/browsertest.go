// Package browsertest is the harness of the browser tests of Pathway's
// pages (the referral form, the studio): a headless Chromium from Debian's
// packages, driven from Go, that records every address a page asks for and
// every error it reports, so that a test fails when a page reaches another
// site or reports a script error, as well as on its own assertions.
//
// Without Chromium a browser test is skipped, unless PATHWAY_BROWSER_TESTS=1
// (as in CI), which makes a missing browser a failure.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/browser"
)

// Chromium returns the browser's path, or skips the test (fails it when
// PATHWAY_BROWSER_TESTS=1).
func Chromium(t testing.TB) string {
	t.Helper()
	path, err := browser.Find()
	if errors.Is(err, browser.ErrNotFound) {
		if os.Getenv("PATHWAY_BROWSER_TESTS") == "1" {
			t.Fatal("PATHWAY_BROWSER_TESTS=1 but Chromium is not installed: apt-get install -y chromium")
		}
		t.Skip("Chromium is not installed (apt-get install -y chromium); set PATHWAY_BROWSER_TESTS=1 to make this a failure")
	}
	require.NoError(t, err)
	return path
}

// Options says what a page under test may do and how to read it.
type Options struct {
	// Site is the address every request of the page must start with.
	Site string
	// Answered reports whether a browser log entry is an answer the page
	// expects and shows itself (a refused token, say), not an error.
	Answered func(source cdplog.EntrySource, text string) bool
	// Status is a JavaScript expression giving the page's own account of
	// where it is, logged when a wait fails.
	Status string
	// Axe is the path of axe-core's script, for Axe.
	Axe string
}

// Page is a page under test in its own headless Chromium, 1280 × 900.
type Page struct {
	ctx  context.Context
	opts Options
	mu   sync.Mutex
	seen []string // every address the page asked for
	errs []string // script errors, console errors and refused loads
}

// stepTimeout bounds each step, and Open the whole browser, so that a
// browser that hangs fails the test; no assertion depends on time.
const (
	stepTimeout = 90 * time.Second
	lifetime    = 5 * time.Minute
)

// Open opens url in a new browser. When the test ends, it fails it for
// any request outside opts.Site and any error the page reported.
func Open(t *testing.T, url string, opts Options) *Page {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "en-GB"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	ctx, cancel := context.WithTimeout(ctx, lifetime)
	t.Cleanup(cancel)
	p := &Page{ctx: ctx, opts: opts}
	err := chromedp.Listen(ctx, p.record)
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	p.Run(t, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(url))
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, u := range p.seen {
			assert.True(t, strings.HasPrefix(u, opts.Site), "the page asked another site for %s", u)
		}
		assert.Empty(t, p.errs, "the page reported errors")
	})
	return p
}

// record notes a request, a script error, a console error or an error the
// browser logs.
func (p *Page) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.seen = append(p.seen, ev.Request.URL)
	case *runtime.EventExceptionThrown:
		msg := ev.ExceptionDetails.Text
		if e := ev.ExceptionDetails.Exception; e != nil {
			msg += " " + e.Description
		}
		p.errs = append(p.errs, "script error: "+msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			p.errs = append(p.errs, "console error")
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError && (p.opts.Answered == nil || !p.opts.Answered(ev.Entry.Source, ev.Entry.Text)) {
			p.errs = append(p.errs, string(ev.Entry.Source)+": "+ev.Entry.Text)
		}
	}
}

// Run runs actions on the page; a step that waits for an element fails
// when it never comes.
func (p *Page) Run(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, actions...))
}

// WaitFor waits until the expression is true in the page. The poll has a
// deadline only so that a page that never gets there fails the test, with
// the page's status and the errors it reported.
func (p *Page) WaitFor(t testing.TB, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	if err != nil {
		status := ""
		if p.opts.Status != "" {
			status, _ = chromedp.Run(p.ctx, chromedp.Evaluate[string](p.opts.Status))
		}
		p.mu.Lock()
		t.Logf("page errors: %v", p.errs)
		p.mu.Unlock()
		require.NoError(t, err, "waiting for %s; the page says: %s", what, status)
	}
}

// Eval runs a JavaScript expression in the page and decodes its value.
func Eval[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err)
	return v
}

// Text is the text of the element sel; the test fails at once when the
// page has no such element.
func (p *Page) Text(t testing.TB, sel string) string {
	t.Helper()
	s := Eval[*string](t, p, fmt.Sprintf(`(function (e) { return e ? e.textContent : null; })(document.querySelector(%q))`, sel))
	require.NotNil(t, s, "the page has no %s", sel)
	return *s
}

// Screenshot saves the whole page as name.png in PATHWAY_SCREENSHOTS, or
// in testdata/screenshots, for a person to look at.
func (p *Page) Screenshot(t testing.TB, name string) {
	t.Helper()
	dir := os.Getenv("PATHWAY_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// Axe runs axe-core (Options.Axe) on the page and fails the test on any
// violation, saying in which state the page was.
func (p *Page) Axe(t testing.TB, state string) {
	t.Helper()
	if !Eval[bool](t, p, `typeof axe !== "undefined"`) {
		src, err := os.ReadFile(p.opts.Axe)
		require.NoError(t, err)
		p.Run(t, chromedp.Evaluate[chromedp.Void](string(src)))
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            []string
	}
	violations, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]violation](`axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
		return r.violations.map(function (v) {
			return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
		});
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Empty(t, violations, "axe-core finds accessibility violations with %s", state)
}
