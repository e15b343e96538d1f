package outcomes

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/saferpath/pathway/diag"
)

// InputFormat is the format of an event log: JSON Lines or CSV with a
// header row (docs/events.md).
type InputFormat string

// Input formats.
const (
	// InputAuto tells the format from the content: a log whose first
	// character (after any byte order mark and blank lines) is "{" is JSON
	// Lines; anything else is CSV.
	InputAuto InputFormat = "auto"
	// InputJSONL is JSON Lines: one JSON object a line.
	InputJSONL InputFormat = "jsonl"
	// InputCSV is CSV with a header row naming the fields.
	InputCSV InputFormat = "csv"
)

// InputFormats lists the input formats.
func InputFormats() []InputFormat { return []InputFormat{InputJSONL, InputCSV, InputAuto} }

// ParseInputFormat reads an input format name: jsonl, csv or auto.
func ParseInputFormat(s string) (InputFormat, error) {
	names := make([]string, 0, 3)
	for _, f := range InputFormats() {
		if string(f) == s {
			return f, nil
		}
		names = append(names, string(f))
	}
	return "", fmt.Errorf("%s is not an event log format; the formats are %s.%s", shownText(s), diag.Quoted(names), diag.DidYouMean(s, names))
}

// detect tells JSON Lines from CSV by the first character that is not a
// byte order mark, a space or a line end, looking at most MaxLineBytes
// ahead. An empty log is JSON Lines (it has no header to read).
func detect(br *bufio.Reader) InputFormat {
	head, _ := br.Peek(MaxLineBytes)
	head = bytes.TrimPrefix(head, bom)
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 || head[0] == '{' {
		return InputJSONL
	}
	return InputCSV
}

var bom = []byte("\xef\xbb\xbf")

// shownText quotes s for a message when it looks like a name, and says
// "a value" otherwise, so that no free text is repeated.
func shownText(s string) string { return shown([]byte(s)) }
