package studio_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/browsertest"
	"github.com/saferpath/pathway/studio"
)

// The browser tests drive Debian's Chromium, headless, from Go
// (internal/browsertest).

// page is a headless Chromium showing the studio.
type page struct {
	*browsertest.Page
	r *running
}

func openStudio(t *testing.T, r *running) *page {
	t.Helper()
	p := &page{r: r}
	p.Page = browsertest.Open(t, r.base+"/?token="+r.Token(), browsertest.Options{
		Site:   r.base + "/",
		Status: `document.getElementById("status").textContent`,
		Axe:    filepath.Join("testdata", "axe.min.js"),
	})
	p.WaitFor(t, "the first check", `document.body.hasAttribute("data-checked")`)
	return p
}

// settle waits until no check is waiting or under way.
func (p *page) settle(t *testing.T) {
	t.Helper()
	p.WaitFor(t, "the checks to end", `!document.body.hasAttribute("data-checking")`)
}

func eval[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, p.Page, expr)
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
	p.Run(t, chromedp.KeyEvent(text))
}

// markedLines are the line numbers the lint gutter marks.
const markedLines = `Array.from(document.querySelectorAll(".CodeMirror-lint-marker")).map(function (m) {
	var n = m.closest(".CodeMirror-gutter-wrapper").querySelector(".CodeMirror-linenumber");
	return n ? n.textContent : "?";
}).join(",")`

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
		assert.Equal(t, "eligibility.yaml (version 2022-08)", p.Text(t, "#current-file"))
		p.WaitFor(t, "the first check", `document.getElementById("status").textContent.indexOf("No problems.") === 0`)
		assert.Contains(t, p.Text(t, "#status"), "0 failed")
		assert.Equal(t, "No problems: the rules can be used.", p.Text(t, "#panel-problems"))
		p.Screenshot(t, "1280-opened")
	})

	t.Run("a misspelt answer is marked at its line with the fix", func(t *testing.T) {
		line := p.selectInEditor(t, `"managed"`)
		require.Equal(t, kentLine(t, "2022-08/eligibility.yaml", `substanceMisuse in ["none", "managed"`), line)
		p.typeText(t, `"manged"`)
		p.WaitFor(t, fmt.Sprintf("the mark on line %d", line), markedLines+fmt.Sprintf(` === "%d"`, line))
		problems := p.Text(t, "#panel-problems")
		assert.Contains(t, problems, fmt.Sprintf("2022-08 › eligibility.yaml, line %d", line))
		assert.Contains(t, problems, `"manged" is not one of the answers subject.substanceMisuse can have`)
		assert.Contains(t, problems, `Did you mean "managed"?`)
		assert.Contains(t, p.Text(t, "#line-problems"), fmt.Sprintf(`Line %d: "manged" is not one of the answers subject.substanceMisuse can have.`, line))
		assert.Contains(t, p.Text(t, "#banner"), "The rules have 1 problem. They cannot be used until these are fixed. You can still save your work.")
		assert.Contains(t, p.Text(t, "#file-list"), "1 problem")
		assert.Contains(t, p.Text(t, "#panel-scenarios"), "The scenarios run once the rules have no problems.")
		p.Screenshot(t, "1280-problem")
		p.Axe(t, "a problem shown")
	})

	t.Run("choosing a problem goes to its line", func(t *testing.T) {
		p.Run(t, click(`#panel-problems button.goto`))
		assert.Equal(t, kentLine(t, "2022-08/eligibility.yaml", `substanceMisuse in ["none", "managed"`),
			eval[int](t, p, `document.querySelector(".CodeMirror").CodeMirror.getCursor().line + 1`))
	})

	t.Run("the fixed answer is no longer marked", func(t *testing.T) {
		p.selectInEditor(t, `"manged"`)
		p.typeText(t, `"managed"`)
		p.WaitFor(t, "no mark", markedLines+` === "" && document.getElementById("banner").hidden`)
		assert.Equal(t, "No problems: the rules can be used.", p.Text(t, "#panel-problems"))
	})

	t.Run("the effect of a shorter exclusion names the referral and the rule", func(t *testing.T) {
		line := p.selectInEditor(t, "<= 84")
		require.Equal(t, kentLine(t, "2022-08/eligibility.yaml", "<= 84"), line)
		p.typeText(t, "<= 28")
		p.WaitFor(t, "the moved referral", `document.getElementById("panel-impact").textContent.indexOf("KR-2024-0050") >= 0`)
		p.Run(t, clickTab("tab-impact"))
		impact := p.Text(t, "#panel-impact")
		assert.Contains(t, impact, "Of 5 referrals, 1 would change.")
		assert.Contains(t, impact, "Ineligible → Eligible: 1 referral")
		assert.Contains(t, impact, "KR-2024-0050")
		assert.Contains(t, impact, "Moved by: Likely to be subject to an order within 12 weeks (order-likely-within-12-weeks)")
		assert.Contains(t, impact, "Programmes now offered: DA Groupwork, Healthy Relationships.")
		assert.Equal(t, "(1)", p.Text(t, "#count-impact"))
		p.Screenshot(t, "1280-impact")
		p.Axe(t, "the effect on referrals shown")
	})

	t.Run("the scenarios that fail come first", func(t *testing.T) {
		p.Run(t, clickTab("tab-scenarios"))
		first := p.Text(t, "#panel-scenarios p")
		assert.Regexp(t, `^\d+ passed, [1-9]\d* failed\.$`, first)
		order := eval[bool](t, p, `(function () {
			var panel = document.getElementById("panel-scenarios");
			var failed = panel.querySelector("ul.scenarios.failed"), passed = panel.querySelector("details");
			return !!failed && !!passed && !!(failed.compareDocumentPosition(passed) & Node.DOCUMENT_POSITION_FOLLOWING);
		})()`)
		assert.True(t, order, "the failed scenarios are listed before those that passed")
		failed := p.Text(t, "#panel-scenarios ul.scenarios.failed")
		assert.Contains(t, failed, "likely custodial order, court on the 84th day, is excluded")
		assert.Contains(t, failed, "Decision: expected ineligible, got eligible.")
		assert.Contains(t, failed, "Likely to be subject to an order within 12 weeks (order-likely-within-12-weeks)")
		p.Screenshot(t, "1280-scenarios")
		p.Axe(t, "the scenarios shown")
	})

	t.Run("the policy document reads as the changed rules", func(t *testing.T) {
		p.Run(t, clickTab("tab-document"))
		doc := p.Text(t, "#panel-document")
		assert.Contains(t, doc, "Likely to be subject to an order within 12 weeks")
		assert.Contains(t, doc, "daysBetween(today, subject.nextCourtDate) <= 28")
		p.Screenshot(t, "1280-document")
		p.Axe(t, "the policy document shown")
	})

	t.Run("tabs and the editor work from the keyboard", func(t *testing.T) {
		p.Run(t, chromedp.Focus(chromedp.ID("tab-document")), chromedp.KeyEvent(kb.ArrowLeft))
		focused := eval[string](t, p, `document.activeElement.id + " " + document.activeElement.getAttribute("aria-selected")`)
		assert.Equal(t, "tab-impact true", focused)
		assert.Equal(t, "false", eval[string](t, p, `document.getElementById("tab-document").getAttribute("aria-selected")`))
		// Tab leaves the editor: it is no keyboard trap.
		p.selectInEditor(t, "criteria:")
		p.Run(t, chromedp.KeyEvent(kb.Tab))
		assert.False(t, eval[bool](t, p, `!!document.activeElement.closest(".CodeMirror")`), "Tab moved the focus out of the editor")
	})

	t.Run("saving writes the file", func(t *testing.T) {
		p.settle(t)
		assert.Contains(t, p.Text(t, "#save"), "Save 1 changed file")
		p.Run(t, click("#save"))
		p.WaitFor(t, "the save", `document.getElementById("status").textContent.indexOf("Saved.") === 0`)
		assert.Equal(t, "Saved. The rules have no problems.", p.Text(t, "#status"))
		assert.Equal(t, "All changes are saved.", p.Text(t, "#save-note"))
		data, err := os.ReadFile(filepath.Join(r.dir, "2022-08", "eligibility.yaml"))
		require.NoError(t, err)
		assert.Contains(t, string(data), "daysBetween(today, subject.nextCourtDate) <= 28")
		assert.Contains(t, string(data), `subject.substanceMisuse in ["none", "managed", "manageable"]`)
		assert.True(t, eval[bool](t, p, `document.getElementById("save").disabled`), "nothing left to save")
	})

	t.Run("at 390 pixels wide", func(t *testing.T) {
		p.Run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), clickTab("tab-impact"))
		assert.False(t, eval[bool](t, p, `document.documentElement.scrollWidth > document.documentElement.clientWidth`), "the page does not scroll sideways")
		p.Screenshot(t, "390-impact")
		p.Axe(t, "a narrow screen")
		p.Run(t, chromedp.EmulateViewport(1280, 900))
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
	p.WaitFor(t, "the problem", `document.getElementById("status").textContent === "1 problem."`)
	assert.Contains(t, p.Text(t, "#panel-problems"), "2021-09 › programmes.yaml, line")
	assert.Contains(t, p.Text(t, "#panel-impact"), "The rules had problems when the studio opened them")
	p.Run(t, click(`#panel-problems button.goto`))
	assert.Equal(t, "programmes.yaml (version 2021-09)", p.Text(t, "#current-file"))
	p.selectInEditor(t, "intervention for stalking")
	p.typeText(t, "intervention for stalking behaviour")
	p.settle(t)
	p.Run(t, click("#save"))
	p.WaitFor(t, "the save", `document.getElementById("status").textContent.indexOf("Saved.") === 0`)
	assert.Equal(t, "Saved. The rules have 1 problem(s): they cannot be used until these are fixed.", p.Text(t, "#status"))
	p.Screenshot(t, "1280-work-in-progress")
	p.Run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	p.Screenshot(t, "390-work-in-progress")
	p.Axe(t, "a pack with problems on a narrow screen")
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
