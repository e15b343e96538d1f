package server_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/internal/browser"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/server"
)

// The browser tests drive Debian's Chromium, headless, from Go, as the
// studio's do. Without Chromium they are skipped, unless
// PATHWAY_BROWSER_TESTS=1 (as in CI), which makes a missing browser a
// failure. The referrer works the form with the keyboard only: each
// control is focused and typed into with key events, never set by script.

// chromium returns the browser's path, or skips or fails the test.
func chromium(t *testing.T) string {
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

// axeScript is axe-core, the accessibility checker, shared with the
// studio's tests (studio/testdata/README.md says where it comes from).
const axeScript = "../studio/testdata/axe.min.js"

// answered is a network error the browser logs for an answer the page
// expects.
var answered = regexp.MustCompile(`status of (401|422) `)

// page is a headless Chromium showing the referral form.
type page struct {
	ctx  context.Context
	base string
	desc server.FormDescription
	mu   sync.Mutex
	seen []string // every address the page asked for
	errs []string // script errors, console errors and refused loads
}

// openForm opens the form of the service s in a new browser.
func openForm(t *testing.T, s *service) *page {
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
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "en-GB"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	// A deadline for a browser that hangs; no assertion depends on time.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancel)
	p := &page{ctx: ctx, base: s.url, desc: formDescription(t, s)}
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
			// The browser logs the service's answers 401 (a refused
			// token) and 422 (an invalid referral): they are the page's
			// to show. Anything else is an error of the page.
			if ev.Entry.Level == cdplog.EntryLevelError && !(ev.Entry.Source == cdplog.EntrySourceNetwork && answered.MatchString(ev.Entry.Text)) {
				p.errs = append(p.errs, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		}
	})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	p.run(t, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(s.url+"/refer"))
	p.waitFor(t, "the form to be built", `document.body.hasAttribute("data-ready")`)
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, u := range p.seen {
			assert.True(t, strings.HasPrefix(u, s.url+"/"), "the page asked another site for %s", u)
		}
		assert.Empty(t, p.errs, "the page reported errors")
	})
	return p
}

// run runs actions on the page; a step that waits for an element fails
// when it never comes.
func (p *page) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, actions...))
}

// waitFor waits until the expression is true in the page. The poll has a
// deadline only so that a page that never gets there fails the test.
func (p *page) waitFor(t *testing.T, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		status, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("check-status").textContent + " " + document.getElementById("loading").textContent`))
		p.mu.Lock()
		t.Logf("page errors: %v", p.errs)
		p.mu.Unlock()
		require.NoError(t, err, "waiting for %s; the page says: %s", what, status)
	}
}

// settle waits until no check is waiting or under way.
func (p *page) settle(t *testing.T) {
	t.Helper()
	p.waitFor(t, "the checks to end", `!document.body.hasAttribute("data-busy")`)
}

func evalIn[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err)
	return v
}

// text is the text of the element sel; the test fails at once when the
// page has no such element.
func (p *page) text(t *testing.T, sel string) string {
	t.Helper()
	s := evalIn[*string](t, p, fmt.Sprintf(`(function (e) { return e ? e.textContent : null; })(document.querySelector(%q))`, sel))
	require.NotNil(t, s, "the page has no %s", sel)
	return *s
}

// visible reports whether the element sel is on the page and shown.
func (p *page) visible(t *testing.T, sel string) bool {
	t.Helper()
	return evalIn[bool](t, p, fmt.Sprintf(`(function (e) { return !!e && e.offsetParent !== null; })(document.querySelector(%q))`, sel))
}

// press focuses the element sel and presses keys on it.
func (p *page) press(t *testing.T, sel string, keys ...string) {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible)}
	for _, k := range keys {
		actions = append(actions, chromedp.KeyEvent(k))
	}
	p.run(t, actions...)
}

// idOf is the id the page gives the control of a path, as refer.js makes it.
func idOf(path string) string {
	return "f-" + strings.TrimSuffix(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(path, "-"), "-")
}

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
	src, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	if !evalIn[bool](t, p, `typeof axe !== "undefined"`) {
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

// narrow checks the page at 390 pixels wide: it does not scroll sideways,
// and axe-core finds nothing; then it goes back to 1280.
func (p *page) narrow(t *testing.T, name, state string) {
	t.Helper()
	p.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	wide := evalIn[[]string](t, p, `(function () {
		var w = document.documentElement.clientWidth, out = [];
		if (document.documentElement.scrollWidth <= w) { return out; }
		Array.prototype.forEach.call(document.querySelectorAll("body *"), function (e) {
			var r = e.getBoundingClientRect();
			if (r.right > w + 1 && out.length < 10) { out.push(e.tagName + "#" + e.id + "." + e.className + " " + Math.round(r.right)); }
		});
		return out.length ? out : ["the page"];
	})()`)
	assert.Empty(t, wide, "the page does not scroll sideways at 390 pixels: these are wider")
	p.screenshot(t, "390-"+name)
	p.axe(t, state+" at 390 pixels")
	p.run(t, chromedp.EmulateViewport(1280, 900))
}

// answer is one answer to give the form: its path and the value as the
// form's control holds it.
type answer struct {
	path  string
	field server.FormField
	value string
}

// answersOf lists the answers of an example referral in the order the
// form asks them, from the form's description.
func answersOf(t *testing.T, d server.FormDescription, name string) []answer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "referrals", name))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(data, &doc))
	kids := map[string][]server.FormField{}
	for _, f := range d.Fields {
		parent := strings.TrimSuffix(strings.TrimSuffix(f.Path[:len(f.Path)-len(f.Name)], "."), "[]")
		kids[parent] = append(kids[parent], f)
	}
	var out []answer
	var walk func(parent, prefix string, obj map[string]any)
	walk = func(parent, prefix string, obj map[string]any) {
		for _, f := range kids[parent] {
			v, ok := obj[f.Name]
			if !ok || v == nil {
				continue
			}
			path := prefix + f.Name
			switch f.Kind {
			case "group":
				walk(f.Path, path+".", v.(map[string]any))
			case "list":
				for i, item := range v.([]any) {
					walk(f.Path, fmt.Sprintf("%s[%d].", path, i), item.(map[string]any))
				}
			default:
				s := fmt.Sprint(v)
				if b, ok := v.(bool); ok {
					s = strconv.FormatBool(b)
				}
				out = append(out, answer{path: path, field: f, value: s})
			}
		}
	}
	walk("", "", doc)
	// The form is chosen first: its questions follow from it.
	slices.SortStableFunc(out, func(a, b answer) int {
		if a.field.Enum == "form" && b.field.Enum != "form" {
			return -1
		}
		if b.field.Enum == "form" && a.field.Enum != "form" {
			return 1
		}
		return 0
	})
	return out
}

var itemIndex = regexp.MustCompile(`^(.*?)\[(\d+)\]`)

// fill gives the form the answers with the keyboard: each control is
// focused, then typed into, or for a choice moved to its answer with the
// arrow keys, or for a yes/no answer checked with the space bar. A list
// gets an item more with its add button, pressed with Enter.
func (p *page) fill(t *testing.T, answers []answer) {
	t.Helper()
	items := map[string]int{}
	for _, a := range answers {
		if m := itemIndex.FindStringSubmatch(a.path); m != nil {
			list := m[1]
			i, _ := strconv.Atoi(m[2])
			if _, ok := items[list]; !ok {
				items[list] = evalIn[int](t, p, fmt.Sprintf(`document.querySelectorAll("#%s-items > fieldset").length`, idOf(list)))
			}
			for items[list] <= i {
				p.press(t, "#"+idOf(list)+"-add", kb.Enter)
				items[list]++
			}
		}
		id := idOf(a.path)
		switch a.field.Kind {
		case "choice":
			i := slices.Index(a.field.Values, a.value)
			require.GreaterOrEqual(t, i, 0, "%s: %s is one of the choices", a.path, a.value)
			if a.field.Enum == "form" {
				p.press(t, "#"+id+"-"+a.value, " ")
				break
			}
			keys := []string{kb.Home}
			for range i + 1 {
				keys = append(keys, kb.ArrowDown)
			}
			p.press(t, "#"+id, keys...)
		case "yes-no":
			p.press(t, "#"+id+"-"+a.value, " ")
		default:
			p.press(t, "#"+id, a.value)
		}
		got := evalIn[string](t, p, fmt.Sprintf(`(function (e) {
			if (e.tagName === "FIELDSET") { var c = e.querySelector("input:checked"); return c ? c.value : ""; }
			return e.value;
		})(document.getElementById(%q))`, id))
		require.Equal(t, a.value, got, "the page holds the answer typed for %s", a.path)
	}
	p.settle(t)
}

// check presses Check with the keyboard and waits for the decision.
func (p *page) check(t *testing.T) string {
	t.Helper()
	p.run(t, chromedp.Evaluate[chromedp.Void](`document.body.removeAttribute("data-decision")`))
	p.press(t, "#check", kb.Enter)
	p.waitFor(t, "the decision", `document.body.hasAttribute("data-decision")`)
	p.settle(t)
	return evalIn[string](t, p, `document.body.getAttribute("data-decision")`)
}

// A referrer fills in an eligible COBI referral with the keyboard alone,
// checks it, reads the decision and the safety actions, and sends it; the
// outbox then holds the referral.
func TestReferralFormInTheBrowser(t *testing.T) {
	outbox := openOutbox(t, 0)
	s := start(t, server.Config{PublicForm: true, Outbox: outbox}, nil)
	p := openForm(t, s)

	t.Run("opens with the choice of form only", func(t *testing.T) {
		assert.True(t, p.visible(t, "#f-form"))
		assert.False(t, p.visible(t, "#questions"), "the questions wait for the form to be chosen")
		assert.False(t, p.visible(t, "#token-section"), "the public form asks for no token")
		chooser := p.text(t, "#f-form")
		for i := range p.desc.Fields[1].Values {
			assert.Contains(t, chooser, p.desc.Fields[1].ValueLabels[i])
		}
		p.screenshot(t, "1280-start")
		p.axe(t, "the form not yet chosen")
	})

	t.Run("each form asks its own questions", func(t *testing.T) {
		p.press(t, "#f-form-healthy-relationships", " ")
		assert.True(t, p.visible(t, "#questions"))
		assert.False(t, p.visible(t, "#f-subject-subjectToSPO"), "the SPO question is on the COBI form only")
		p.press(t, "#f-form-cobi", " ")
		assert.True(t, p.visible(t, "#f-subject-subjectToSPO"))
		assert.Equal(t, "Are they subject to a Stalking Protection Order (SPO)?", p.text(t, "#f-subject-subjectToSPO legend"))
		// Every question the description asks on every form is on the page.
		for _, f := range p.desc.Fields {
			if strings.Contains(f.Path, "[]") || f.ShowIf != nil || f.Enum == "form" {
				continue
			}
			assert.True(t, p.visible(t, "#"+idOf(f.Path)), "%s is asked", f.Path)
			assert.Equal(t, f.Question, p.labelOf(t, f.Path), "%s is asked in the description's words", f.Path)
		}
	})

	t.Run("an eligible COBI referral typed in with the keyboard", func(t *testing.T) {
		answers := answersOf(t, p.desc, "cobi-eligible.json")
		require.Greater(t, len(answers), 20)
		p.fill(t, answers)
		assert.Equal(t, 0, evalIn[int](t, p, `document.querySelectorAll("[aria-invalid=true]").length`), "no answer is marked wrong: %s", p.text(t, "#check-status"))
		assert.Equal(t, "No problems with the answers so far.", p.text(t, "#check-status"))
		assert.Equal(t, "eligible", p.check(t))
		assert.Equal(t, "Suitable for referral", p.text(t, "#decision"))
		assert.Contains(t, p.text(t, "#programmes"), "COBI: COBI is the stalking programme")
		safety := p.text(t, "#safety")
		assert.Contains(t, safety, "Contact the victim (victim 1): The victim consents to contact.")
		assert.Contains(t, safety, "Monitor the Stalking Protection Order")
		assert.Contains(t, safety, "Find out whether to escalate an immediate risk")
		assert.NotContains(t, safety, "victim-link-worker-contact", "actions are named by their titles, not their ids")
		decided := p.text(t, "#result-body .rules")
		assert.Contains(t, decided, "Accepts some responsibility: met.")
		assert.Contains(t, decided, "Subject to a custodial or community order: does not apply.")
		assert.Equal(t, "result", evalIn[string](t, p, `document.activeElement.id`), "the result takes the focus")
		assert.False(t, evalIn[bool](t, p, `document.getElementById("send").disabled`), "a checked referral can be sent")
		p.screenshot(t, "1280-eligible")
		p.axe(t, "an eligible referral checked")
		p.narrow(t, "eligible", "an eligible referral checked")
	})

	t.Run("send writes the outbox file", func(t *testing.T) {
		p.press(t, "#send", kb.Enter)
		p.waitFor(t, "the receipt", `document.body.hasAttribute("data-sent")`)
		reference := p.text(t, "#reference")
		assert.Regexp(t, referenceName, reference+".json")
		assert.Contains(t, p.text(t, "#next"), "police Perpetrator Programme Co-ordinator")
		assert.Contains(t, p.text(t, "#next"), "will call you")
		files := outboxFiles(t, outbox.Dir())
		require.Equal(t, []string{reference + ".json"}, files)
		written, err := os.ReadFile(filepath.Join(outbox.Dir(), files[0]))
		require.NoError(t, err)
		got, problems := referral.Read("outbox", written)
		require.NotNil(t, got, "%v", problems)
		data, err := os.ReadFile("../examples/referrals/cobi-eligible.json")
		require.NoError(t, err)
		want, _ := referral.Read("example", data)
		assert.Equal(t, want, got, "the file holds the referral as typed")
		assert.True(t, evalIn[bool](t, p, `document.getElementById("send").disabled`), "sent once")
		// The reference is new with each send: the screenshot shows one of
		// the same shape, so that it changes only when the page does.
		p.run(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("reference").textContent = "019ad0c2-5f3e-7a41-9c2b-3d4e5f607182"`))
		p.screenshot(t, "1280-sent")
		p.axe(t, "a referral sent")
	})
}

// labelOf is the text of the label of the control of path, "" for none.
func (p *page) labelOf(t *testing.T, path string) string {
	t.Helper()
	return evalIn[string](t, p, fmt.Sprintf(`(function (e) {
		if (!e) { return ""; }
		if (e.tagName === "FIELDSET") { var l = e.querySelector("legend"); return l ? l.textContent : ""; }
		return e.labels && e.labels.length ? e.labels[0].textContent : "";
	})(document.getElementById(%q))`, idOf(path)))
}

// Questions that depend on another answer come and go with it; victims and
// children are added and removed, within the description's caps.
func TestReferralFormConditionsAndListsInTheBrowser(t *testing.T) {
	s := start(t, server.Config{PublicForm: true}, nil)
	p := openForm(t, s)
	p.press(t, "#f-form-healthy-relationships", " ")

	t.Run("a question appears when it applies and goes when it does not", func(t *testing.T) {
		tests := []struct {
			name, when, yes, no, question string
		}{
			{name: "the reason a victim is not known to a service", when: "victims[0].knownToSupportService", yes: "false", no: "true", question: "victims[0].reasonNotKnown"},
			{name: "the services a victim was told about", when: "victims[0].awareOfSupportServices", yes: "true", no: "false", question: "victims[0].servicesProvided"},
			{name: "updates only with consent", when: "victims[0].consentsToContact", yes: "true", no: "false", question: "victims[0].wantsUpdates"},
			{name: "the details of a risk to staff", when: "riskToStaff.present", yes: "true", no: "", question: "riskToStaff.details"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sel := "#" + idOf(tt.question)
				assert.False(t, p.visible(t, sel), "not asked before the answer it depends on")
				p.press(t, "#"+idOf(tt.when)+"-"+orUnknown(tt.yes), " ")
				assert.True(t, p.visible(t, sel), "asked once it applies")
				f, _ := referral.FieldAt(tt.question)
				assert.Equal(t, f.Question, p.labelOf(t, tt.question))
				p.press(t, "#"+idOf(tt.when)+"-"+orUnknown(tt.no), " ")
				assert.False(t, p.visible(t, sel), "no longer asked")
			})
		}
	})

	t.Run("a victim is added and removed", func(t *testing.T) {
		assert.Equal(t, 1, evalIn[int](t, p, `document.querySelectorAll("#f-victims-items > fieldset").length`), "a referral starts with one victim")
		assert.False(t, p.visible(t, "#f-victims-0 button.remove"), "the one victim a referral needs cannot be removed")
		p.press(t, "#f-victims-0-name", "First Victim")
		p.press(t, "#f-victims-add", kb.Enter)
		assert.Equal(t, "f-victims-1-name", evalIn[string](t, p, `document.activeElement.id`), "the new victim's first question takes the focus")
		p.run(t, chromedp.KeyEvent("Second Victim"))
		assert.Equal(t, "Victim 2", p.text(t, "#f-victims-1 legend"))
		p.press(t, "#f-victims-0 button.remove", kb.Enter)
		assert.Equal(t, 1, evalIn[int](t, p, `document.querySelectorAll("#f-victims-items > fieldset").length`))
		assert.Equal(t, "Second Victim", evalIn[string](t, p, `document.getElementById("f-victims-0-name").value`), "the second victim is now the first")
		p.waitFor(t, "the removal announced", `document.getElementById("live").textContent === "Victim 1 removed."`)
	})

	t.Run("children up to the cap", func(t *testing.T) {
		children, ok := referral.FieldAt("children")
		require.True(t, ok)
		require.Positive(t, children.Max)
		assert.Equal(t, "Add a child", p.text(t, "#f-children-add"))
		for range children.Max {
			p.press(t, "#f-children-add", kb.Enter)
		}
		assert.Equal(t, children.Max, evalIn[int](t, p, `document.querySelectorAll("#f-children-items > fieldset").length`))
		assert.True(t, evalIn[bool](t, p, `document.getElementById("f-children-add").disabled`), "no more than the description allows")
		assert.Contains(t, p.text(t, "#f-children-note"), strconv.Itoa(children.Max))
		p.press(t, "#f-children-19 button.remove", kb.Enter)
		assert.False(t, evalIn[bool](t, p, `document.getElementById("f-children-add").disabled`))
		p.settle(t)
	})
}

func orUnknown(v string) string {
	if v == "" {
		return "unknown"
	}
	return v
}

// An incomplete referral is told the questions still to answer; an
// invalid one sees each problem beside its question, marked for screen
// readers and announced.
func TestReferralFormProblemsInTheBrowser(t *testing.T) {
	s := start(t, server.Config{PublicForm: true}, nil)

	t.Run("incomplete", func(t *testing.T) {
		p := openForm(t, s)
		p.fill(t, answersOf(t, p.desc, "hr-unanswered-eligibility.json"))
		assert.Equal(t, "incomplete", p.check(t))
		assert.Equal(t, "More answers are needed before a decision", p.text(t, "#decision"))
		missing := p.text(t, "#missing")
		for _, path := range []string{"subject.acceptsResponsibility", "subject.substanceMisuse", "subject.mentalHealth", "subject.consentsToInformationSharing", "subject.currentOrder", "subject.likelyOrder"} {
			f, ok := referral.FieldAt(path)
			require.True(t, ok)
			assert.Contains(t, missing, "The person referred: "+f.Question, "the missing answer is asked for by its question")
		}
		assert.NotContains(t, missing, "subject.")
		assert.NotContains(t, missing, "Date of the next court hearing", "a question not asked yet is not asked for")
		assert.Contains(t, p.text(t, "#result-body"), "Until they are given, these cannot be decided: Accepts some responsibility;")
		p.screenshot(t, "1280-incomplete")
		p.axe(t, "an incomplete referral checked")
		// A missing answer's link takes the focus to its question.
		p.press(t, "#missing a", kb.Enter)
		assert.Equal(t, "f-subject-acceptsResponsibility", evalIn[string](t, p, `document.activeElement.id`))
	})

	t.Run("invalid", func(t *testing.T) {
		p := openForm(t, s)
		p.fill(t, answersOf(t, p.desc, "invalid-bad-email.json"))
		// The problem shows beside the email as soon as it is typed.
		p.waitFor(t, "the problem beside the email", `!document.getElementById("f-referrer-email-error").hidden`)
		errText := p.text(t, "#f-referrer-email-error")
		assert.Contains(t, errText, "email")
		assert.NotContains(t, errText, "priya.example.example.org", "a problem never repeats the value")
		assert.Equal(t, "true", evalIn[string](t, p, `document.getElementById("f-referrer-email").getAttribute("aria-invalid")`))
		assert.Contains(t, evalIn[string](t, p, `document.getElementById("f-referrer-email").getAttribute("aria-describedby")`), "f-referrer-email-error")
		assert.Equal(t, "2 answers need attention.", p.text(t, "#check-status"))
		p.waitFor(t, "the announcement", `document.getElementById("live").textContent !== ""`)
		assert.Contains(t, p.text(t, "#live"), "answers need attention")
		assert.Equal(t, "polite", evalIn[string](t, p, `document.getElementById("live").getAttribute("aria-live")`))
		p.screenshot(t, "1280-invalid-typed")

		assert.Equal(t, "invalid", p.check(t))
		assert.Equal(t, "Some answers need correcting", p.text(t, "#decision"))
		result := p.text(t, "#result-body")
		assert.Contains(t, result, "About you, the referrer: Your contact email:")
		assert.Contains(t, result, "The person referred: Contact email:")
		assert.True(t, evalIn[bool](t, p, `document.getElementById("send") === null || document.getElementById("send").hidden`), "no send without an outbox")
		p.screenshot(t, "1280-invalid")
		p.axe(t, "an invalid referral checked")
		p.narrow(t, "invalid", "an invalid referral checked")

		// Correcting the email takes its problem away.
		p.press(t, "#f-referrer-email", kb.End, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace)
		p.run(t, chromedp.KeyEvent("@example.org"))
		p.settle(t)
		assert.Equal(t, "priya.example@example.org", evalIn[string](t, p, `document.getElementById("f-referrer-email").value`))
		p.waitFor(t, "the problem gone", `document.getElementById("f-referrer-email-error").hidden`)
		assert.False(t, evalIn[bool](t, p, `document.getElementById("f-referrer-email").hasAttribute("aria-invalid")`))
	})
}

// Every control can be reached with Tab, in order, from the choice of
// form to Check, and each one reached has a name.
func TestReferralFormTabOrderInTheBrowser(t *testing.T) {
	s := start(t, server.Config{PublicForm: true}, nil)
	p := openForm(t, s)
	p.press(t, "#f-form-cobi", " ")
	type stop struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	var stops []stop
	for range 200 {
		p.run(t, chromedp.KeyEvent(kb.Tab))
		st := evalIn[stop](t, p, `(function (e) {
			var name = e.labels && e.labels.length ? e.labels[0].textContent : (e.getAttribute("aria-label") || e.textContent || "");
			return {id: e.id, name: name.trim()};
		})(document.activeElement)`)
		stops = append(stops, st)
		if st.ID == "check" {
			break
		}
	}
	require.NotEmpty(t, stops)
	require.Equal(t, "check", stops[len(stops)-1].ID, "Tab reaches Check")
	for _, st := range stops {
		assert.NotEmpty(t, st.Name, "%s has a name", st.ID)
	}
	ids := make([]string, len(stops))
	for i, st := range stops {
		ids[i] = st.ID
	}
	for _, want := range []string{"f-id", "f-dateSent", "f-referrer-email", "f-subject-subjectToSPO-true", "f-behaviourSummary", "f-victims-0-name", "f-victims-add", "f-children-add", "f-riskAssessment-instrument"} {
		assert.Contains(t, ids, want, "Tab reaches %s", want)
	}
	assert.Less(t, slices.Index(ids, "f-id"), slices.Index(ids, "f-victims-0-name"), "in the order of the form")
}

// Without the public form the page asks for the referrer's token, keeps
// it for the tab only, checks nothing without it and says when it is
// refused.
func TestReferralFormTokenInTheBrowser(t *testing.T) {
	s := start(t, server.Config{}, nil)
	p := openForm(t, s)
	assert.True(t, p.visible(t, "#token-section"))
	assert.Equal(t, "password", evalIn[string](t, p, `document.getElementById("token").type`))
	p.press(t, "#f-form-cobi", " ")
	p.press(t, "#f-id", "KR-1")
	p.settle(t)
	assert.Equal(t, "", p.text(t, "#check-status"), "nothing is checked without a token")

	t.Run("a wrong token is refused", func(t *testing.T) {
		p.press(t, "#token", "not-a-token", kb.Enter)
		p.waitFor(t, "the refusal", `!document.getElementById("token-error").hidden`)
		assert.Contains(t, p.text(t, "#token-error"), "did not accept this token")
		assert.Equal(t, "", evalIn[string](t, p, `sessionStorage.getItem("pathway-referral-token") || ""`), "a refused token is forgotten")
		assert.Equal(t, "true", evalIn[string](t, p, `document.getElementById("token").getAttribute("aria-invalid")`))
		p.screenshot(t, "1280-token-refused")
		p.axe(t, "a token refused")
	})

	t.Run("the referrer's token is used", func(t *testing.T) {
		p.press(t, "#token", tokenOf("referrer"), kb.Enter)
		p.waitFor(t, "a check", `document.getElementById("check-status").textContent.indexOf("answer") >= 0`)
		assert.Equal(t, tokenOf("referrer"), evalIn[string](t, p, `sessionStorage.getItem("pathway-referral-token")`), "kept for this tab")
		assert.Equal(t, "", evalIn[string](t, p, `document.getElementById("token").value`), "not left in the field")
		assert.True(t, p.visible(t, "#token-error") == false)
		assert.Equal(t, "invalid", p.check(t))
	})
}
