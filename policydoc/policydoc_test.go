package policydoc_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/schematest"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/policydoc"
	"github.com/saferpath/pathway/scenario"
)

// upToDate compares a generated document with the copy kept in docs/, or
// rewrites the copy with -update.
func upToDate(t *testing.T, path string, got []byte) {
	t.Helper()
	if golden.Updating() {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "%s is missing: run go test ./policydoc -update", path)
	if !bytes.Equal(want, got) {
		t.Errorf("%s is out of date with the rules: regenerate it with\n\n\tgo test ./policydoc -update\n\n(or pathway docs > docs/kent.md, pathway schema rules|scenario > docs/schemas/NAME.schema.json), then review and commit the diff.", path)
	}
}

// docs/kent.md is the default pack's policy document; it must say what the
// rules do.
func TestKentDocumentUpToDate(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, policydoc.Write(&b, pathway.Default()))
	upToDate(t, "../docs/kent.md", b.Bytes())
}

func TestSchemasUpToDate(t *testing.T) {
	tests := []struct {
		name string
		gen  func() ([]byte, error)
	}{
		{name: "rules", gen: pathway.RulesSchema},
		{name: "scenario", gen: scenario.Schema},
		{name: "pack", gen: func() ([]byte, error) { return pathway.RuleFileSchema(pathway.ManifestFile) }},
		{name: "eligibility", gen: func() ([]byte, error) { return pathway.RuleFileSchema(pathway.EligibilityFile) }},
		{name: "programmes", gen: func() ([]byte, error) { return pathway.RuleFileSchema(pathway.ProgrammesFile) }},
		{name: "safeguarding", gen: func() ([]byte, error) { return pathway.RuleFileSchema(pathway.SafeguardingFile) }},
		{name: "outcomes", gen: func() ([]byte, error) { return pathway.RuleFileSchema(pathway.OutcomesFile) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.gen()
			require.NoError(t, err)
			upToDate(t, filepath.Join("..", "docs", "schemas", tt.name+".schema.json"), append(data, '\n'))
		})
	}
}

func TestDocumentSaysWhatMatters(t *testing.T) {
	var b strings.Builder
	require.NoError(t, policydoc.Write(&b, pathway.Default()))
	doc := b.String()
	for _, want := range []string{
		"## Version 2022-08", "## Version 2021-09",
		"1 August 2022 to 31 March 2025", "1 September 2021 to 31 July 2022",
		"#### Accepts some responsibility (`accepts-responsibility`)",
		"daysBetween(today, subject.nextCourtDate) <= 84",
		"| COBI (`cobi`) | stalking | one-to-one | 12 | 2.5 h | 1 | 40 |",
		"10 groups of up to 8 (80)",
		"- Waives the criteria: Accepts some responsibility (`accepts-responsibility`)",
		"#### Refer to MARAC (`marac-referral`)",
		"potential escalation: 3 or more incidents in 6 months",
		"| DASH risk identification checklist (24 questions) (`dash-24`) | 0 to 24 | 14 |",
	} {
		assert.Contains(t, doc, want)
	}
	assert.Equal(t, 1, strings.Count(doc, "#### Early Response — engagement work supported by CURBB"), "only 2022-08 has Early Response")
}

func compile(t *testing.T, gen func() ([]byte, error)) *jsonschema.Schema {
	t.Helper()
	return schematest.Generated(t, gen)
}

// asJSON reads a YAML file as the JSON value editors check.
func asJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	f, problems := yamlsrc.Parse(path, data)
	require.Empty(t, problems)
	var v any
	_, problems = yamlsrc.Decode(f, f.Root, "", &v)
	require.Empty(t, problems)
	// Round-trip through encoding/json for the validator's number types.
	js, err := json.Marshal(v)
	require.NoError(t, err)
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	require.NoError(t, err)
	return out
}

// Every file of the default pack, and every scenario of its suite, passes
// the schemas editors use: they cannot drift from what Load reads.
func TestFilesPassTheirSchemas(t *testing.T) {
	rules := compile(t, pathway.RulesSchema)
	files, err := filepath.Glob("../rules/kent/*/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			assert.NoError(t, rules.Validate(asJSON(t, f)))
			own := compile(t, func() ([]byte, error) { return pathway.RuleFileSchema(filepath.Base(f)) })
			assert.NoError(t, own.Validate(asJSON(t, f)), "%s against its own schema", f)
		})
	}
	sc := compile(t, scenario.Schema)
	files, err = filepath.Glob("../scenarios/kent/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			assert.NoError(t, sc.Validate(asJSON(t, f)))
		})
	}
}

// The schemas reject what Load rejects in the common cases.
func TestSchemasReject(t *testing.T) {
	rules := compile(t, pathway.RulesSchema)
	sc := compile(t, scenario.Schema)
	tests := []struct {
		name   string
		schema *jsonschema.Schema
		doc    string
	}{
		{name: "an unknown key in a criterion", schema: rules, doc: `{"criteria": [{"id": "a", "title": "t", "description": "d", "source": "s", "when": "true", "because": "b", "wen": 1}]}`},
		{name: "a bad delivery", schema: rules, doc: `{"programmes": [{"id": "a", "title": "t", "description": "d", "source": "s", "when": "true", "because": "b", "name": "n", "addresses": "stalking", "delivery": "online"}]}`},
		{name: "an unknown role", schema: rules, doc: `{"instruments": [], "marac": {"source": "s", "visibleHighRisk": true, "professionalJudgement": true}, "sharing": {"police": []}, "triggers": []}`},
		{name: "a bad decision", schema: sc, doc: `{"cases": [{"name": "n", "referral": "r.json", "expect": {"decision": "elgible"}}]}`},
		{name: "an unknown key in a case", schema: sc, doc: `{"cases": [{"name": "n", "referral": "r.json", "expect": {}, "expct": {}}]}`},
		{name: "an inline referral with an unknown field", schema: sc, doc: `{"cases": [{"name": "n", "referral": {"idd": "x"}, "expect": {}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
			require.NoError(t, err)
			assert.Error(t, tt.schema.Validate(v))
		})
	}
}

// A pack whose every text holds Markdown and HTML (testdata/attacks/markdown)
// adds nothing to the document's structure: no heading, quote, list, link,
// image, HTML or table cell of its own. The document is kept as a golden
// file, to review.
func TestHostileTextIsEscaped(t *testing.T) {
	pack, err := pathway.LoadDir("../testdata/attacks/markdown")
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, policydoc.Write(&b, pack))
	doc := b.String()
	golden.Check(t, "testdata/hostile.golden.md", []byte(doc))

	for _, raw := range []string{
		"<script>", "</td>", "<tr>", "<div", "<img", "<iframe", "<h1>", "<b>", "<a href",
		"](https://evil", "](javascript:", "![", "**Bold**", "*starred*", "_em_",
		"\n# Injected", "\n## Another", "\n> a quote", "\n- a list item", "\n1. an ordered", "\n---\n",
		"\n# Heading", "\n```\na fence",
	} {
		assert.False(t, unescaped(doc, raw), "pack text reached the document unescaped: %q", raw)
	}
	headings := 0
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "#") {
			headings++
		}
	}
	assert.Equal(t, 12, headings, "only the document's own headings")
	// Every row of a table has as many cells as its header.
	var cols int
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cols == 0 {
			cols = n
			continue
		}
		assert.Equal(t, cols, n, "a table row with cells of its own: %s", line)
	}
}

// unescaped reports whether s occurs in doc without a backslash before it.
func unescaped(doc, s string) bool {
	for i := 0; ; {
		j := strings.Index(doc[i:], s)
		if j < 0 {
			return false
		}
		if at := i + j; at == 0 || doc[at-1] != '\\' {
			return true
		}
		i += j + 1
	}
}
