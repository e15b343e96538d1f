package outcomes

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func FuzzReadEvents(f *testing.F) {
	seeds := []string{
		evs(story("A", "2023-05-01", "completed")...),
		evs(story("B", "2023-03-30", "withdrawn")...),
		ref + `{"case": "C-1", "type": "score", "on": "2023-05-03", "instrument": "perpetrator-risk", "phase": "pre", "value": 1.5e1}`,
		`{"case": "C\u002d1", "type": "referred", "on": "2023-05-02", "x": [1, {"y": null}], "z": true}`,
		`{"case": "C-1", "type": "victim-supported", "on": "2023-02-29", "victims": 1000, "children": -0}`,
		"\xef\xbb\xbf" + ref + "\r\n\n",
		`{"case": "\ud83d\ude00", "type": "referred", "on": "2023-05-02"}`,
		`{"case": "C-1", "type": "referred", "on": "2023-05-02"` + "\n" + `[` + "\n" + `"\u00"`,
		strings.Repeat(`{"a":`, 40) + "1",
		"case,type,on\nC-1,referred,2023-05-02\n",
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
		for _, e := range events {
			if !e.Type.Known() || e.On.IsZero() || e.Case == "" {
				t.Fatalf("bad event passed on: %#v", e)
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
	})
}

// FuzzReadCSV feeds the CSV reader hostile input: it must never panic or
// hang, must put every problem inside the input, and must read back every
// event it passes on when the events are written out again.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("case,type,on\nC-1,referred,2023-05-02\n"))
	f.Add([]byte("case,type,on,reason\nC-1,referred,2023-05-02,\nC-1,withdrawn,2023-05-03,\"moved, out\"\"of area\"\n"))
	f.Add([]byte("\xef\xbb\xbfon,case,type,victims\r\n2023-05-02,C-1,referred,\r\n2023-05-03,C-1,victim-supported,\"2\"\r\n"))
	f.Add([]byte("case,type,on\nC-1,referred,\"2023-05-02\nC-2,referred,2023-05-02\n"))
	f.Add([]byte("case,type,on,x,case\nC-1,referred,2023-05-02,1,2,3\n"))
	f.Add([]byte("a,b\n1,2\n"))
	data, err := os.ReadFile("../examples/events/2023-24.csv")
	if err == nil {
		f.Add(data[:min(len(data), 3000)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		var events []Event
		problems := ReadEvents("fuzz.csv", bytes.NewReader(data), func(e Event) error {
			events = append(events, e)
			return nil
		}, WithInputFormat(InputCSV))
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
		if problems.HasErrors() {
			return
		}
		// Written out as CSV again, the events read back the same.
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write(CSVHeader)
		for _, e := range events {
			_ = w.Write(e.CSVRecord())
		}
		w.Flush()
		var again []Event
		problems = ReadEvents("again.csv", bytes.NewReader(b.Bytes()), func(e Event) error {
			e.Line = 0
			again = append(again, e)
			return nil
		})
		if problems.HasErrors() {
			t.Fatalf("events written out again do not read: %v\n%s", problems, b.Bytes())
		}
		if len(again) != len(events) {
			t.Fatalf("%d events read back as %d", len(events), len(again))
		}
	})
}

// FuzzReorder shuffles a valid log with the fuzzer's seed: any order of its
// lines gives the same report.
func FuzzReorder(f *testing.F) {
	data, err := os.ReadFile("../examples/events/2023-24.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	p := FinancialYear(2023)
	want, problems := Compute("events.jsonl", bytes.NewReader(data), p, kentOptions(f)...)
	if problems.HasErrors() {
		f.Fatal(problems)
	}
	var wantJSON bytes.Buffer
	if err := want.WriteJSON(&wantJSON); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []uint64{1, 2, 3, 42} {
		f.Add(seed, uint16(0), false)
	}
	f.Fuzz(func(t *testing.T, seed uint64, keep uint16, pipe bool) {
		shuffled := append([]string(nil), lines...)
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		// Shuffle all but the first keep lines, so that the fuzzer also
		// tries logs that are partly in order.
		k := int(keep) % (len(shuffled) + 1)
		tail := shuffled[k:]
		rng.Shuffle(len(tail), func(i, j int) { tail[i], tail[j] = tail[j], tail[i] })
		text := strings.Join(shuffled, "")
		var src interface{ Read([]byte) (int, error) } = strings.NewReader(text)
		if pipe {
			src = onlyReader{strings.NewReader(text)}
		}
		got, problems := Compute("events.jsonl", src, p, kentOptions(t)...)
		if problems.HasErrors() {
			t.Fatalf("a shuffled valid log has problems: %v", problems[:min(3, len(problems))])
		}
		var gotJSON bytes.Buffer
		if err := got.WriteJSON(&gotJSON); err != nil {
			t.Fatal(err)
		}
		if gotJSON.String() != wantJSON.String() {
			t.Fatalf("a shuffled log gives another report")
		}
	})
}
