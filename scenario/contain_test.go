package scenario_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/scenario"
)

// A referral file is read only inside the file system given, as a regular
// file; one that is outside it, cannot be read or is not a referral is a
// problem at the case's line, and nothing it holds is quoted.
func TestReferralFilesStayInside(t *testing.T) {
	const secret = "SECRET-CONTENT"
	tests := []struct {
		name, referral string
		file           *fstest.MapFile
		code, detail   string
	}{
		{name: "climbs out", referral: "../../outside.json", code: "referral-outside", detail: "inside the folder the scenarios are run from. Move what it names"},
		{name: "a link out", referral: "link.json", file: &fstest.MapFile{Mode: fs.ModeSymlink, Data: []byte("../../outside.json")},
			code: "referral-outside", detail: "The link was not followed."},
		{name: "a link to nothing", referral: "link.json", file: &fstest.MapFile{Mode: fs.ModeSymlink, Data: []byte("nowhere.json")},
			code: "referral-outside", detail: "The link was not followed."},
		{name: "a named pipe", referral: "pipe.json", file: &fstest.MapFile{Mode: fs.ModeNamedPipe}, code: "unreadable", detail: "It is not a regular file"},
		{name: "a device", referral: "zero.json", file: &fstest.MapFile{Mode: fs.ModeDevice | fs.ModeCharDevice}, code: "unreadable", detail: "It is not a regular file"},
		{name: "too large", referral: "big.json", file: &fstest.MapFile{Data: []byte(strings.Repeat(" ", 4<<20+1))}, code: "unreadable", detail: "at most 4194304 bytes"},
		{name: "a password file", referral: "passwd", file: &fstest.MapFile{Data: []byte("root:x:0:0:" + secret + ":/root:/bin/sh\n")},
			code: "not-a-referral", detail: "A referral file holds one referral"},
		{name: "a map of other things", referral: "settings.yaml", file: &fstest.MapFile{Data: []byte(secret + ": " + secret + "\n")},
			code: "not-a-referral", detail: "A referral file holds one referral"},
		{name: "not JSON", referral: "broken.json", file: &fstest.MapFile{Data: []byte("{\"a\": \"" + secret + "\",\n [")},
			code: "not-a-referral", detail: "It could not be read as JSON or YAML (at line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"s/cases.yaml": {Data: []byte("pack: kent\ncases:\n  - name: case\n    referral: " + tt.referral + "\n    expect: {decision: eligible}\n")}}
			if tt.file != nil {
				fsys["s/"+tt.referral] = tt.file
			}
			_, err := scenario.Load(fsys, "s/cases.yaml")
			l := diag.From(err)
			require.Len(t, l, 1, "%v", err)
			d := l[0]
			assert.Equal(t, tt.code, d.Code)
			assert.Equal(t, "s/cases.yaml", d.Range.File, "the problem is in the scenario file")
			assert.Equal(t, 4, d.Range.Start.Line, "at the case's referral")
			assert.Equal(t, "cases[0].referral", d.Path)
			assert.Contains(t, d.Detail, tt.detail)
			var b strings.Builder
			require.NoError(t, l.Text(&b))
			assert.NotContains(t, b.String(), secret)
			assert.NotContains(t, b.String(), "root:x")
		})
	}
}

// Problems in a referral file are the referral's: they carry no source
// line, which may hold a personal detail.
func TestReferralFileProblemsHaveNoExcerpt(t *testing.T) {
	fsys := fstest.MapFS{
		"s/cases.yaml": {Data: []byte("pack: kent\ncases:\n  - name: case\n    referral: r.yaml\n    expect: {decision: invalid}\n")},
		"s/r.yaml":     {Data: []byte("id: X\nsubject:\n  name: Mary Secretname\n  shoeSize: 9\n")},
	}
	f, err := scenario.Load(fsys, "s/cases.yaml")
	require.NoError(t, err)
	res := f.Cases[0].Run(context.Background())
	require.True(t, res.Passed())
	require.NotEmpty(t, res.Assessment.Problems)
	for _, d := range res.Assessment.Problems {
		assert.Empty(t, d.Excerpt)
	}
}

// A failed case's text escapes the case's name and everything else it
// prints: a scenario file cannot rewrite the terminal.
func TestResultTextEscapes(t *testing.T) {
	f, err := scenario.Load(mapFS(t, "cases:\n  - name: \"case \\e[2J\\r\\u202e\\nFAKE\"\n    referral: ../r/hr-eligible.json\n    expect: {decision: ineligible}\n"), "s/cases.yaml")
	require.NoError(t, err)
	res := f.Cases[0].Run(context.Background())
	var b strings.Builder
	require.NoError(t, res.WriteText(&b))
	assert.Contains(t, b.String(), `FAIL s/cases.yaml:2: case \u001b[2J\r\u202e\nFAKE`+"\n")
	assert.False(t, strings.ContainsAny(b.String(), "\x1b\r\u202e"))
}
