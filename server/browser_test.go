package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/internal/browsertest"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/server"
)

// The browser tests drive Debian's Chromium, headless, from Go
// (internal/browsertest), as the studio's do. The referrer works the form
// with the keyboard only: each control is focused and typed into with key
// events, never set by script.

// axeScript is axe-core, the accessibility checker, shared with the
// studio's tests (studio/testdata/README.md says where it comes from).
const axeScript = "../studio/testdata/axe.min.js"

// answered is a network error the browser logs for an answer the page
// expects.
var answered = regexp.MustCompile(`status of (401|422) `)

// page is a headless Chromium showing the referral form.
type page struct {
	*browsertest.Page
	base string
	desc server.FormDescription
}

// openForm opens the form of the service s in a new browser.
func openForm(t *testing.T, s *service) *page {
	t.Helper()
	p := &page{base: s.url, desc: formDescription(t, s)}
	p.Page = browsertest.Open(t, s.url+"/refer", browsertest.Options{
		Site: s.url + "/",
		// The browser logs the service's answers 401 (a refused token)
		// and 422 (an invalid referral): they are the page's to show.
		Answered: func(source cdplog.EntrySource, text string) bool {
			return source == cdplog.EntrySourceNetwork && answered.MatchString(text)
		},
		Status: `document.getElementById("check-status").textContent + " " + document.getElementById("loading").textContent`,
		Axe:    axeScript,
	})
	p.WaitFor(t, "the form to be built", `document.body.hasAttribute("data-ready")`)
	return p
}

// settle waits until no check is waiting or under way.
func (p *page) settle(t *testing.T) {
	t.Helper()
	p.WaitFor(t, "the checks to end", `!document.body.hasAttribute("data-busy")`)
}

func evalIn[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, p.Page, expr)
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
	p.Run(t, actions...)
}

// idOf is the id the page gives the control of a path, as refer.js makes it.
func idOf(path string) string {
	return "f-" + strings.TrimSuffix(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(path, "-"), "-")
}

// narrow checks the page at 390 pixels wide: it does not scroll sideways,
// and axe-core finds nothing; then it goes back to 1280.
func (p *page) narrow(t *testing.T, name, state string) {
	t.Helper()
	p.Run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
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
	p.Screenshot(t, "390-"+name)
	p.Axe(t, state+" at 390 pixels")
	p.Run(t, chromedp.EmulateViewport(1280, 900))
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
	p.Run(t, chromedp.Evaluate[chromedp.Void](`document.body.removeAttribute("data-decision")`))
	p.press(t, "#check", kb.Enter)
	p.WaitFor(t, "the decision", `document.body.hasAttribute("data-decision")`)
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
		chooser := p.Text(t, "#f-form")
		for i := range p.desc.Fields[1].Values {
			assert.Contains(t, chooser, p.desc.Fields[1].ValueLabels[i])
		}
		p.Screenshot(t, "1280-start")
		p.Axe(t, "the form not yet chosen")
	})

	t.Run("each form asks its own questions", func(t *testing.T) {
		p.press(t, "#f-form-healthy-relationships", " ")
		assert.True(t, p.visible(t, "#questions"))
		assert.False(t, p.visible(t, "#f-subject-subjectToSPO"), "the SPO question is on the COBI form only")
		p.press(t, "#f-form-cobi", " ")
		assert.True(t, p.visible(t, "#f-subject-subjectToSPO"))
		assert.Equal(t, "Are they subject to a Stalking Protection Order (SPO)?", p.Text(t, "#f-subject-subjectToSPO legend"))
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
		assert.Equal(t, 0, evalIn[int](t, p, `document.querySelectorAll("[aria-invalid=true]").length`), "no answer is marked wrong: %s", p.Text(t, "#check-status"))
		assert.Equal(t, "No problems with the answers so far.", p.Text(t, "#check-status"))
		assert.Equal(t, "eligible", p.check(t))
		assert.Equal(t, "Suitable for referral", p.Text(t, "#decision"))
		assert.Contains(t, p.Text(t, "#programmes"), "COBI: COBI is the stalking programme")
		safety := p.Text(t, "#safety")
		assert.Contains(t, safety, "Contact the victim (victim 1): The victim consents to contact.")
		assert.Contains(t, safety, "Monitor the Stalking Protection Order")
		assert.Contains(t, safety, "Find out whether to escalate an immediate risk")
		assert.NotContains(t, safety, "victim-link-worker-contact", "actions are named by their titles, not their ids")
		decided := p.Text(t, "#result-body .rules")
		assert.Contains(t, decided, "Accepts some responsibility: met.")
		assert.Contains(t, decided, "Subject to a custodial or community order: does not apply.")
		assert.Equal(t, "result", evalIn[string](t, p, `document.activeElement.id`), "the result takes the focus")
		assert.False(t, evalIn[bool](t, p, `document.getElementById("send").disabled`), "a checked referral can be sent")
		p.Screenshot(t, "1280-eligible")
		p.Axe(t, "an eligible referral checked")
		p.narrow(t, "eligible", "an eligible referral checked")
	})

	t.Run("send writes the outbox file", func(t *testing.T) {
		p.press(t, "#send", kb.Enter)
		p.WaitFor(t, "the receipt", `document.body.hasAttribute("data-sent")`)
		reference := p.Text(t, "#reference")
		assert.Regexp(t, referenceName, reference+".json")
		assert.Contains(t, p.Text(t, "#next"), "police Perpetrator Programme Co-ordinator")
		assert.Contains(t, p.Text(t, "#next"), "will call you")
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
		p.Run(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("reference").textContent = "019ad0c2-5f3e-7a41-9c2b-3d4e5f607182"`))
		p.Screenshot(t, "1280-sent")
		p.Axe(t, "a referral sent")
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
		p.Run(t, chromedp.KeyEvent("Second Victim"))
		assert.Equal(t, "Victim 2", p.Text(t, "#f-victims-1 legend"))
		p.press(t, "#f-victims-0 button.remove", kb.Enter)
		assert.Equal(t, 1, evalIn[int](t, p, `document.querySelectorAll("#f-victims-items > fieldset").length`))
		assert.Equal(t, "Second Victim", evalIn[string](t, p, `document.getElementById("f-victims-0-name").value`), "the second victim is now the first")
		p.WaitFor(t, "the removal announced", `document.getElementById("live").textContent === "Victim 1 removed."`)
	})

	t.Run("children up to the cap", func(t *testing.T) {
		children, ok := referral.FieldAt("children")
		require.True(t, ok)
		require.Positive(t, children.Max)
		assert.Equal(t, "Add a child", p.Text(t, "#f-children-add"))
		for range children.Max {
			p.press(t, "#f-children-add", kb.Enter)
		}
		assert.Equal(t, children.Max, evalIn[int](t, p, `document.querySelectorAll("#f-children-items > fieldset").length`))
		assert.True(t, evalIn[bool](t, p, `document.getElementById("f-children-add").disabled`), "no more than the description allows")
		assert.Contains(t, p.Text(t, "#f-children-note"), strconv.Itoa(children.Max))
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
		assert.Equal(t, "More answers are needed before a decision", p.Text(t, "#decision"))
		missing := p.Text(t, "#missing")
		for _, path := range []string{"subject.acceptsResponsibility", "subject.substanceMisuse", "subject.mentalHealth", "subject.consentsToInformationSharing", "subject.currentOrder", "subject.likelyOrder"} {
			f, ok := referral.FieldAt(path)
			require.True(t, ok)
			assert.Contains(t, missing, "The person referred: "+f.Question, "the missing answer is asked for by its question")
		}
		assert.NotContains(t, missing, "subject.")
		assert.NotContains(t, missing, "Date of the next court hearing", "a question not asked yet is not asked for")
		assert.Contains(t, p.Text(t, "#result-body"), "Until they are given, these cannot be decided: Accepts some responsibility;")
		p.Screenshot(t, "1280-incomplete")
		p.Axe(t, "an incomplete referral checked")
		// A missing answer's link takes the focus to its question.
		p.press(t, "#missing a", kb.Enter)
		assert.Equal(t, "f-subject-acceptsResponsibility", evalIn[string](t, p, `document.activeElement.id`))
	})

	t.Run("invalid", func(t *testing.T) {
		p := openForm(t, s)
		p.fill(t, answersOf(t, p.desc, "invalid-bad-email.json"))
		// The problem shows beside the email as soon as it is typed.
		p.WaitFor(t, "the problem beside the email", `!document.getElementById("f-referrer-email-error").hidden`)
		errText := p.Text(t, "#f-referrer-email-error")
		assert.Contains(t, errText, "email")
		assert.NotContains(t, errText, "priya.example.example.org", "a problem never repeats the value")
		assert.Equal(t, "true", evalIn[string](t, p, `document.getElementById("f-referrer-email").getAttribute("aria-invalid")`))
		assert.Contains(t, evalIn[string](t, p, `document.getElementById("f-referrer-email").getAttribute("aria-describedby")`), "f-referrer-email-error")
		assert.Equal(t, "2 answers need attention.", p.Text(t, "#check-status"))
		p.WaitFor(t, "the announcement", `document.getElementById("live").textContent !== ""`)
		assert.Contains(t, p.Text(t, "#live"), "answers need attention")
		assert.Equal(t, "polite", evalIn[string](t, p, `document.getElementById("live").getAttribute("aria-live")`))
		p.Screenshot(t, "1280-invalid-typed")

		assert.Equal(t, "invalid", p.check(t))
		assert.Equal(t, "Some answers need correcting", p.Text(t, "#decision"))
		result := p.Text(t, "#result-body")
		assert.Contains(t, result, "About you, the referrer: Your contact email:")
		assert.Contains(t, result, "The person referred: Contact email:")
		assert.True(t, evalIn[bool](t, p, `document.getElementById("send") === null || document.getElementById("send").hidden`), "no send without an outbox")
		p.Screenshot(t, "1280-invalid")
		p.Axe(t, "an invalid referral checked")
		p.narrow(t, "invalid", "an invalid referral checked")

		// Correcting the email takes its problem away.
		p.press(t, "#f-referrer-email", kb.End, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace, kb.Backspace)
		p.Run(t, chromedp.KeyEvent("@example.org"))
		p.settle(t)
		assert.Equal(t, "priya.example@example.org", evalIn[string](t, p, `document.getElementById("f-referrer-email").value`))
		p.WaitFor(t, "the problem gone", `document.getElementById("f-referrer-email-error").hidden`)
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
		p.Run(t, chromedp.KeyEvent(kb.Tab))
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
	assert.Equal(t, "", p.Text(t, "#check-status"), "nothing is checked without a token")

	t.Run("a wrong token is refused", func(t *testing.T) {
		p.press(t, "#token", "not-a-token", kb.Enter)
		p.WaitFor(t, "the refusal", `!document.getElementById("token-error").hidden`)
		assert.Contains(t, p.Text(t, "#token-error"), "did not accept this token")
		assert.Equal(t, "", evalIn[string](t, p, `sessionStorage.getItem("pathway-referral-token") || ""`), "a refused token is forgotten")
		assert.Equal(t, "true", evalIn[string](t, p, `document.getElementById("token").getAttribute("aria-invalid")`))
		p.Screenshot(t, "1280-token-refused")
		p.Axe(t, "a token refused")
	})

	t.Run("the referrer's token is used", func(t *testing.T) {
		p.press(t, "#token", tokenOf("referrer"), kb.Enter)
		p.WaitFor(t, "a check", `document.getElementById("check-status").textContent.indexOf("answer") >= 0`)
		assert.Equal(t, tokenOf("referrer"), evalIn[string](t, p, `sessionStorage.getItem("pathway-referral-token")`), "kept for this tab")
		assert.Equal(t, "", evalIn[string](t, p, `document.getElementById("token").value`), "not left in the field")
		assert.True(t, p.visible(t, "#token-error") == false)
		assert.Equal(t, "invalid", p.check(t))
	})
}
