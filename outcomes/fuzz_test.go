package outcomes

import (
	"bytes"
	"strings"
	"testing"

	"github.com/saferpath/pathway/diag"
)

func FuzzReadEvents(f *testing.F) {
	seeds := []string{
		evs(story("A", "2023-05-01", "completed")...),
		evs(story("B", "2023-03-30", "withdrawn")...),
		ref + `{"case": "C-1", "type": "score", "on": "2023-05-03", "instrument": "mirabel", "phase": "pre", "value": 1.5e1}`,
		`{"case": "C\u002d1", "type": "referred", "on": "2023-05-02", "x": [1, {"y": null}], "z": true}`,
		`{"case": "C-1", "type": "victim-supported", "on": "2023-02-29", "victims": 1000, "children": -0}`,
		"\xef\xbb\xbf" + ref + "\r\n\n",
		`{"case": "\ud83d\ude00", "type": "referred", "on": "2023-05-02"}`,
		`{"case": "C-1", "type": "referred", "on": "2023-05-02"` + "\n" + `[` + "\n" + `"\u00"`,
		strings.Repeat(`{"a":`, 40) + "1",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	p := FinancialYear(2023)
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		var events []Event
		problems := ReadEvents("fuzz.jsonl", bytes.NewReader(data), func(e Event) error {
			events = append(events, e)
			return nil
		})
		for _, d := range problems {
			if d.Code == CodeTooManyProblems {
				continue
			}
			if d.Range.Start.Line < 1 || d.Range.Start.Line > lines || d.Range.Start.Column < 1 {
				t.Fatalf("problem at a position outside the input: %s", d.Compact())
			}
			if d.Summary == "" || d.Detail == "" || d.Code == "" {
				t.Fatalf("problem without summary, detail or code: %#v", d)
			}
		}
		// Every event passed on encodes and decodes to itself.
		for _, e := range events {
			if !e.Type.Known() || e.On.IsZero() || e.Case == "" {
				t.Fatalf("bad event passed on: %#v", e)
			}
			s := newScanner("again")
			s.line = e.Line
			line := e.AppendJSON(nil)
			s.text = line
			fields, jerr := s.parser.parse(line)
			if jerr != nil {
				t.Fatalf("re-encoded event %s does not parse: %s", line, jerr.msg)
			}
			again, ok := s.decode(fields)
			if !ok || again != e {
				t.Fatalf("event does not round-trip:\n%#v\n%#v\n%v", e, again, s.problems)
			}
		}
		// A report over the same input never panics and agrees on errors.
		rep, all := Compute("fuzz.jsonl", bytes.NewReader(data), p)
		if (rep == nil) != all.HasErrors() {
			t.Fatalf("report %v with problems %v", rep != nil, all)
		}
		if rep != nil {
			var b bytes.Buffer
			for _, f := range Formats() {
				if err := rep.Write(&b, f); err != nil {
					t.Fatal(err)
				}
			}
		}
		_ = diag.List(nil)
	})
}
