// Package browser drives a headless Chromium for tests of the pages Pathway
// writes and serves: start it, open a page at a given size, run a script in
// it, take a screenshot. It uses Debian's chromium package (or
// PATHWAY_CHROMIUM) and the DevTools protocol.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Candidates are the programs Find looks for, in order, after
// PATHWAY_CHROMIUM.
var Candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}

// ErrNotFound is returned by Find when no Chromium is installed.
var ErrNotFound = errors.New("no Chromium found: install Debian's chromium package, or set PATHWAY_CHROMIUM to the browser's path")

// Find returns the path of a Chromium: PATHWAY_CHROMIUM when set, else the
// first of Candidates found.
func Find() (string, error) {
	if p := os.Getenv("PATHWAY_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("PATHWAY_CHROMIUM names %s, which cannot be found", p)
		}
		return p, nil
	}
	for _, c := range Candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Browser is a running headless Chromium with a fresh profile. It is not
// safe for concurrent use; Close stops it.
type Browser struct {
	ctx     context.Context
	cancel  context.CancelFunc
	stop    context.CancelFunc
	profile string
}

// Timeout bounds each step: starting, navigating, evaluating, a screenshot.
const Timeout = 30 * time.Second

// Start starts the Chromium at path, headless, without a sandbox or GPU,
// without background networking, updates or sync, and with a new profile
// folder that Close removes.
func Start(path string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "pathway-browser-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
	}
	allocCtx, stop := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, cancel: cancel, stop: stop, profile: profile}
	if err := first(ctx, cancel); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("cannot start %s: %w", path, err)
	}
	return b, nil
}

// first runs the first action on a chromedp context, which starts the
// browser or opens the tab. It must run on that context itself (a context
// derived from it would close the browser when it ends), so it is bounded
// by cancelling the context after Timeout instead.
func first(ctx context.Context, cancel context.CancelFunc) error {
	timer := time.AfterFunc(Timeout, cancel)
	defer timer.Stop()
	return chromedp.Do(ctx)
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() error {
	b.cancel()
	b.stop()
	return os.RemoveAll(b.profile)
}

// Page is one tab of the browser.
type Page struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Open opens url in a new tab whose viewport is width × height CSS pixels.
// With print true the page is laid out for print media.
func (b *Browser) Open(url string, width, height int, print bool) (*Page, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{ctx: ctx, cancel: cancel}
	if err := first(ctx, cancel); err != nil {
		return nil, fmt.Errorf("cannot open a tab: %w", err)
	}
	media := "screen"
	if print {
		media = "print"
	}
	err := p.do(
		chromedp.EmulateViewport(int64(width), int64(height)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
			return err
		}),
		chromedp.Navigate(url),
	)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("cannot open the page: %w", err)
	}
	return p, nil
}

func (p *Page) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, done := context.WithTimeout(p.ctx, Timeout)
	defer done()
	return chromedp.Do(ctx, steps...)
}

// Eval runs a JavaScript expression in the page and decodes its value,
// which must be JSON, into out.
func Eval[T any](p *Page, expression string) (T, error) {
	ctx, done := context.WithTimeout(p.ctx, Timeout)
	defer done()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expression))
}

// Screenshot returns a PNG of the whole page, beyond the viewport.
func (p *Page) Screenshot() ([]byte, error) {
	ctx, done := context.WithTimeout(p.ctx, Timeout)
	defer done()
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// Close closes the tab.
func (p *Page) Close() { p.cancel() }
