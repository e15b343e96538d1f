package studio_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/studio"
)

// The browser tests drive Debian's Chromium, headless, from Go. Without
// Chromium they are skipped, unless PATHWAY_BROWSER_TESTS=1 (as in CI),
// which makes a missing browser a failure.

// chromium returns the browser's path, or skips or fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("PATHWAY_BROWSER_TESTS") == "1" {
		t.Fatal("PATHWAY_BROWSER_TESTS=1 but Chromium is not installed: apt-get install -y chromium")
	}
	t.Skip("Chromium is not installed (apt-get install -y chromium); set PATHWAY_BROWSER_TESTS=1 to make this a failure")
	return ""
}

// page is a headless Chromium showing the studio.
type page struct {
	ctx  context.Context
	r    *running
	mu   sync.Mutex
	seen []string // every address the page asked for
	errs []string // script errors, console errors and refused loads
}

func openStudio(t *testing.T, r *running) *page {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	// A deadline for a browser that hangs; no assertion depends on time.
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel)
	p := &page{ctx: ctx, r: r}
	err := chromedp.Listen(ctx, func(ev any) {
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
			if ev.Entry.Level == cdplog.EntryLevelError {
				p.errs = append(p.errs, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		}
	})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	p.run(t,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(r.base+"/?token="+r.Token()),
	)
	p.waitFor(t, "the first check", `document.body.hasAttribute("data-checked")`)
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, u := range p.seen {
			assert.True(t, strings.HasPrefix(u, r.base+"/"), "the page asked another site for %s", u)
		}
		assert.Empty(t, p.errs, "the page reported errors")
	})
	return p
}

func (p *page) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(p.ctx, actions...))
}

// waitFor waits until the expression is true in the page. The poll has a
// deadline only so that a page that never gets there fails the test.
func (p *page) waitFor(t *testing.T, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(90*time.Second)))
	if err != nil {
		status, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
		require.NoError(t, err, "waiting for %s; the page says: %s", what, status)
	}
}

// settle waits until no check is waiting or under way.
func (p *page) settle(t *testing.T) {
	t.Helper()
	p.waitFor(t, "the checks to end", `!document.body.hasAttribute("data-checking")`)
}

// text is the text of the element sel; the test fails at once when the
// page has no such element.
func (p *page) text(t *testing.T, sel string) string {
	t.Helper()
	s := eval[*string](t, p, fmt.Sprintf(`(function (e) { return e ? e.textContent : null; })(document.querySelector(%q))`, sel))
	require.NotNil(t, s, "the page has no %s", sel)
	return *s
}

func eval[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err)
	return v
}

// selectInEditor selects the first occurrence of text in the file in the
// editor, as a person would with the mouse, and returns its line.
func (p *page) selectInEditor(t *testing.T, text string) int {
	t.Helper()
	line := eval[int](t, p, fmt.Sprintf(`(function (needle) {
		var cm = document.querySelector(".CodeMirror").CodeMirror;
		for (var i = 0; i < cm.lineCount(); i++) {
			var c = cm.getLine(i).indexOf(needle);
			if (c >= 0) {
				cm.focus();
				cm.setSelection({line: i, ch: c}, {line: i, ch: c + needle.length});
				cm.scrollIntoView({line: i, ch: c}, 120);
				return i + 1;
			}
		}
		return 0;
	})(%q)`, text))
	require.NotZero(t, line, "%q is not in the editor", text)
	return line
}

// typeText types into the focused element, key by key.
func (p *page) typeText(t *testing.T, text string) {
	t.Helper()
	p.run(t, chromedp.KeyEvent(text))
}

// markedLines are the line numbers the lint gutter marks.
const markedLines = `Array.from(document.querySelectorAll(".CodeMirror-lint-marker")).map(function (m) {
	var n = m.closest(".CodeMirror-gutter-wrapper").querySelector(".CodeMirror-linenumber");
	return n ? n.textContent : "?";
}).join(",")`

func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PATHWAY_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// screenshot saves the whole page as PNG.
func (p *page) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir(t), name+".png"), png, 0o644))
}

// axe runs axe-core on the page and fails on any violation.
func (p *page) axe(t *testing.T, state string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	require.NoError(t, err)
	if !eval[bool](t, p, `typeof axe !== "undefined"`) {
		p.run(t, chromedp.Evaluate[chromedp.Void](string(src)))
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

func clickTab(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.ID(id), chromedp.NodeVisible)
}

func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// A policy officer misspells an answer, sees it marked at its line with
// what to do, fixes it, shortens the 12-week exclusion, sees which
// referrals move and why, sees the scenarios that now fail first, and
// saves.
func TestStudioInTheBrowser(t *testing.T) {
	r := start(t)
	p := openStudio(t, r)

	t.Run("opens the latest version's eligibility rules", func(t *testing.T) {
		assert.Equal(t, "eligibility.yaml (version 2022-08)", p.text(t, "#current-file"))
		p.waitFor(t, "the first check", `document.getElementById("status").textContent.indexOf("No problems.") === 0`)
		assert.Contains(t, p.text(t, "#status"), "0 failed")
		assert.Equal(t, "No problems: the rules can be used.", p.text(t, "#panel-problems"))
		p.screenshot(t, "1280-opened")
	})

	t.Run("a misspelt answer is marked at its line with the fix", func(t *testing.T) {
		line := p.selectInEditor(t, `"managed"`)
		require.Equal(t, kentLine(t, "2022-08/eligibility.yaml", `substanceMisuse in ["none", "managed"`), line)
		p.typeText(t, `"manged"`)
		p.waitFor(t, fmt.Sprintf("the mark on line %d", line), markedLines+fmt.Sprintf(` === "%d"`, line))
		problems := p.text(t, "#panel-problems")
		assert.Contains(t, problems, fmt.Sprintf("2022-08 › eligibility.yaml, line %d", line))
		assert.Contains(t, problems, `"manged" is not one of the answers subject.substanceMisuse can have`)
		assert.Contains(t, problems, `Did you mean "managed"?`)
		assert.Contains(t, p.text(t, "#line-problems"), fmt.Sprintf(`Line %d: "manged" is not one of the answers subject.substanceMisuse can have.`, line))
		assert.Contains(t, p.text(t, "#banner"), "The rules have 1 problem. They cannot be used until these are fixed. You can still save your work.")
		assert.Contains(t, p.text(t, "#file-list"), "1 problem")
		assert.Contains(t, p.text(t, "#panel-scenarios"), "The scenarios run once the rules have no problems.")
		p.screenshot(t, "1280-problem")
		p.axe(t, "a problem shown")
	})

	t.Run("choosing a problem goes to its line", func(t *testing.T) {
		p.run(t, click(`#panel-problems button.goto`))
		assert.Equal(t, kentLine(t, "2022-08/eligibility.yaml", `substanceMisuse in ["none", "managed"`),
			eval[int](t, p, `document.querySelector(".CodeMirror").CodeMirror.getCursor().line + 1`))
	})

	t.Run("the fixed answer is no longer marked", func(t *testing.T) {
		p.selectInEditor(t, `"manged"`)
		p.typeText(t, `"managed"`)
		p.waitFor(t, "no mark", markedLines+` === "" && document.getElementById("banner").hidden`)
		assert.Equal(t, "No problems: the rules can be used.", p.text(t, "#panel-problems"))
	})

	t.Run("the effect of a shorter exclusion names the referral and the rule", func(t *testing.T) {
		line := p.selectInEditor(t, "<= 84")
		require.Equal(t, kentLine(t, "2022-08/eligibility.yaml", "<= 84"), line)
		p.typeText(t, "<= 28")
		p.waitFor(t, "the moved referral", `document.getElementById("panel-impact").textContent.indexOf("KR-2024-0050") >= 0`)
		p.run(t, clickTab("tab-impact"))
		impact := p.text(t, "#panel-impact")
		assert.Contains(t, impact, "Of 5 referrals, 1 would change.")
		assert.Contains(t, impact, "Ineligible → Eligible: 1 referral")
		assert.Contains(t, impact, "KR-2024-0050")
		assert.Contains(t, impact, "Moved by: Likely to be subject to an order within 12 weeks (order-likely-within-12-weeks)")
		assert.Contains(t, impact, "Programmes now offered: DA Groupwork, Healthy Relationships.")
		assert.Equal(t, "(1)", p.text(t, "#count-impact"))
		p.screenshot(t, "1280-impact")
		p.axe(t, "the effect on referrals shown")
	})

	t.Run("the scenarios that fail come first", func(t *testing.T) {
		p.run(t, clickTab("tab-scenarios"))
		first := p.text(t, "#panel-scenarios p")
		assert.Regexp(t, `^\d+ passed, [1-9]\d* failed\.$`, first)
		order := eval[bool](t, p, `(function () {
			var panel = document.getElementById("panel-scenarios");
			var failed = panel.querySelector("ul.scenarios.failed"), passed = panel.querySelector("details");
			return !!failed && !!passed && !!(failed.compareDocumentPosition(passed) & Node.DOCUMENT_POSITION_FOLLOWING);
		})()`)
		assert.True(t, order, "the failed scenarios are listed before those that passed")
		failed := p.text(t, "#panel-scenarios ul.scenarios.failed")
		assert.Contains(t, failed, "likely custodial order, court on the 84th day, is excluded")
		assert.Contains(t, failed, "Decision: expected ineligible, got eligible.")
		assert.Contains(t, failed, "Likely to be subject to an order within 12 weeks (order-likely-within-12-weeks)")
		p.screenshot(t, "1280-scenarios")
		p.axe(t, "the scenarios shown")
	})

	t.Run("the policy document reads as the changed rules", func(t *testing.T) {
		p.run(t, clickTab("tab-document"))
		doc := p.text(t, "#panel-document")
		assert.Contains(t, doc, "Likely to be subject to an order within 12 weeks")
		assert.Contains(t, doc, "daysBetween(today, subject.nextCourtDate) <= 28")
		p.screenshot(t, "1280-document")
		p.axe(t, "the policy document shown")
	})

	t.Run("tabs and the editor work from the keyboard", func(t *testing.T) {
		p.run(t, chromedp.Focus(chromedp.ID("tab-document")), chromedp.KeyEvent(kb.ArrowLeft))
		focused := eval[string](t, p, `document.activeElement.id + " " + document.activeElement.getAttribute("aria-selected")`)
		assert.Equal(t, "tab-impact true", focused)
		assert.Equal(t, "false", eval[string](t, p, `document.getElementById("tab-document").getAttribute("aria-selected")`))
		// Tab leaves the editor: it is no keyboard trap.
		p.selectInEditor(t, "criteria:")
		p.run(t, chromedp.KeyEvent(kb.Tab))
		assert.False(t, eval[bool](t, p, `!!document.activeElement.closest(".CodeMirror")`), "Tab moved the focus out of the editor")
	})

	t.Run("saving writes the file", func(t *testing.T) {
		p.settle(t)
		assert.Contains(t, p.text(t, "#save"), "Save 1 changed file")
		p.run(t, click("#save"))
		p.waitFor(t, "the save", `document.getElementById("status").textContent.indexOf("Saved.") === 0`)
		assert.Equal(t, "Saved. The rules have no problems.", p.text(t, "#status"))
		assert.Equal(t, "All changes are saved.", p.text(t, "#save-note"))
		data, err := os.ReadFile(filepath.Join(r.dir, "2022-08", "eligibility.yaml"))
		require.NoError(t, err)
		assert.Contains(t, string(data), "daysBetween(today, subject.nextCourtDate) <= 28")
		assert.Contains(t, string(data), `subject.substanceMisuse in ["none", "managed", "manageable"]`)
		assert.True(t, eval[bool](t, p, `document.getElementById("save").disabled`), "nothing left to save")
	})

	t.Run("at 390 pixels wide", func(t *testing.T) {
		p.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), clickTab("tab-impact"))
		assert.False(t, eval[bool](t, p, `document.documentElement.scrollWidth > document.documentElement.clientWidth`), "the page does not scroll sideways")
		p.screenshot(t, "390-impact")
		p.axe(t, "a narrow screen")
		p.run(t, chromedp.EmulateViewport(1280, 900))
	})
}

// A pack saved with problems opens with them shown, and saving more work
// in progress says the rules still have problems.
func TestStudioWorkInProgressInTheBrowser(t *testing.T) {
	dir := copyPack(t, "../rules/kent")
	p2 := filepath.Join(dir, "2021-09", "programmes.yaml")
	data, err := os.ReadFile(p2)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p2, []byte(strings.Replace(string(data), "sessions: 12", "sessions: twelve", 1)), 0o644))
	r := startOn(t, studio.Config{Dir: dir, Corpus: "testdata/corpus"})
	p := openStudio(t, r)
	p.waitFor(t, "the problem", `document.getElementById("status").textContent === "1 problem."`)
	assert.Contains(t, p.text(t, "#panel-problems"), "2021-09 › programmes.yaml, line")
	assert.Contains(t, p.text(t, "#panel-impact"), "The rules had problems when the studio opened them")
	p.run(t, click(`#panel-problems button.goto`))
	assert.Equal(t, "programmes.yaml (version 2021-09)", p.text(t, "#current-file"))
	p.selectInEditor(t, "intervention for stalking")
	p.typeText(t, "intervention for stalking behaviour")
	p.settle(t)
	p.run(t, click("#save"))
	p.waitFor(t, "the save", `document.getElementById("status").textContent.indexOf("Saved.") === 0`)
	assert.Equal(t, "Saved. The rules have 1 problem(s): they cannot be used until these are fixed.", p.text(t, "#status"))
	p.screenshot(t, "1280-work-in-progress")
	p.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	p.screenshot(t, "390-work-in-progress")
	p.axe(t, "a pack with problems on a narrow screen")
}

// kentLine is the line (from 1) of the kent pack's file that holds text.
func kentLine(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "rules", "kent", file))
	require.NoError(t, err)
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s holds no line with %s", file, text)
	return 0
}
