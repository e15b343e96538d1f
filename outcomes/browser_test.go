package outcomes

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/browser"
	"github.com/saferpath/pathway/internal/browsertest"
)

// screenshotDir is where TestHTMLInBrowser leaves its screenshots for
// people to look at; git ignores it.
const screenshotDir = "testdata/screenshots"

// chartText is a script that returns, for each chart, the figures it draws
// and the text a screen reader reaches from it: a list's own text, or for
// an image the text of the elements aria-describedby names.
const chartText = `(() => [...document.querySelectorAll('[data-chart]')].map(c => {
  const marks = [...c.querySelectorAll('[data-value]')].map(m => m.getAttribute('data-value'));
  let text = c.innerText || '';
  if (c.getAttribute('role') === 'img') {
    text = (c.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
      .map(id => { const e = document.getElementById(id); return e ? e.innerText : ''; }).join(' ');
  }
  return {chart: c.getAttribute('data-chart'), marks, text};
}))()`

type chartFacts struct {
	Chart string   `json:"chart"`
	Marks []string `json:"marks"`
	Text  string   `json:"text"`
}

type layoutFacts struct {
	ScrollWidth int     `json:"scrollWidth"`
	ClientWidth int     `json:"clientWidth"`
	SmallText   float64 `json:"smallText"` // the smallest chart text, in CSS pixels
}

const layout = `(() => {
  const d = document.documentElement;
  const sizes = [...document.querySelectorAll('svg text')].map(t => t.getBoundingClientRect().height).filter(h => h > 0);
  return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, smallText: Math.min(...sizes)};
})()`

// TestHTMLInBrowser renders the sample report in headless Chromium at a
// desktop width, a phone width and as printed on A4, saves screenshots,
// and checks that the page never scrolls sideways, that chart text stays
// readable, and that every chart's figures are reachable as text.
func TestHTMLInBrowser(t *testing.T) {
	b, err := browser.Start(browsertest.Chromium(t))
	require.NoError(t, err)
	defer b.Close()

	var page bytes.Buffer
	require.NoError(t, exampleReport(t).WriteHTML(&page))
	file := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(file, page.Bytes(), 0o644))
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))

	for _, v := range []struct {
		name          string
		width, height int
		print         bool
		minText       float64
	}{
		{"desktop-1280", 1280, 900, false, 10},
		{"phone-390", 390, 844, false, 9},
		{"print-a4", 794, 1123, true, 6},
	} {
		t.Run(v.name, func(t *testing.T) {
			p, err := b.Open("file://"+file, v.width, v.height, v.print)
			require.NoError(t, err)
			defer p.Close()
			png, err := p.Screenshot()
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(screenshotDir, v.name+".png"), png, 0o644))

			facts, err := browser.Eval[layoutFacts](p, layout)
			require.NoError(t, err)
			assert.LessOrEqual(t, facts.ScrollWidth, facts.ClientWidth, "the page scrolls sideways")
			assert.GreaterOrEqual(t, facts.SmallText, v.minText, "chart text too small to read")

			charts, err := browser.Eval[[]chartFacts](p, chartText)
			require.NoError(t, err)
			require.Len(t, charts, 2)
			for _, c := range charts {
				require.NotEmpty(t, c.Marks, c.Chart)
				for _, m := range c.Marks {
					assert.Contains(t, c.Text, m, "chart %s draws %s but gives no such text", c.Chart, m)
				}
			}
		})
	}
}
