package outcomes

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// csvFeed hands a CSV log to encoding/csv a record at a time, holding no
// record longer than MaxLineBytes: an over-long record is replaced by as
// many empty lines as it spans (csv skips them, and its line numbers stay
// those of the file) and reported as one problem, and reading goes on at
// the next line. A quote that is never closed therefore costs at most
// MaxLineBytes of the log, not the rest of it.
type csvFeed struct {
	src     *bufio.Reader
	out     []byte // bytes ready for csv
	rec     []byte // the record being assembled
	line    int    // physical lines read
	started bool
	err     error
	tooLong func(line, bytes int)
}

func (f *csvFeed) Read(p []byte) (int, error) {
	for len(f.out) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.fill()
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// fill assembles the next record (one or more physical lines) into out.
func (f *csvFeed) fill() {
	f.rec = f.rec[:0]
	first := f.line + 1
	var st csvState
	lines := 0
	for {
		chunk, err := f.src.ReadSlice('\n')
		if !f.started {
			f.started = true
			chunk = bytes.TrimPrefix(chunk, bom)
		}
		over := len(f.rec)+len(chunk) > MaxLineBytes
		if !over {
			f.rec = append(f.rec, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) || over {
			// Too long: drop the rest of this physical line and the
			// record so far, and start afresh on the next line.
			n := len(f.rec) + len(chunk)
			for errors.Is(err, bufio.ErrBufferFull) {
				chunk, err = f.src.ReadSlice('\n')
				n += len(chunk)
			}
			if n > 0 || len(chunk) > 0 {
				f.line++
				lines++
			}
			f.tooLong(first, n)
			f.out = append(f.out[:0], bytes.Repeat([]byte{'\n'}, lines)...)
			f.rec = f.rec[:0]
			f.setErr(err)
			return
		}
		if len(chunk) > 0 {
			f.line++
			lines++
		}
		st.scan(chunk)
		if err != nil {
			f.setErr(err)
			break
		}
		if !st.quoted {
			break
		}
	}
	f.out = f.rec
}

func (f *csvFeed) setErr(err error) {
	if err != nil {
		f.err = err
	}
}

// csvState follows quoting across the lines of one record, as
// encoding/csv reads it (leading spaces before a quote are allowed).
type csvState struct {
	quoted      bool
	notAtStart  bool // some character other than a space since the cell began
	quoteClosed bool // a quote just closed, or is the first of a doubled pair
}

func (s *csvState) scan(b []byte) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if s.quoted {
			if c == '"' {
				if i+1 < len(b) && b[i+1] == '"' {
					i++
					continue
				}
				s.quoted = false
				s.notAtStart = true
			}
			continue
		}
		switch c {
		case ',', '\n':
			s.notAtStart = false
		case ' ', '\t', '\r':
		case '"':
			if !s.notAtStart {
				s.quoted = true
			}
			s.notAtStart = true
		default:
			s.notAtStart = true
		}
	}
}

// csvLog reads a CSV event log: a header row naming the fields, then one
// event a row.
type csvLog struct {
	feed *csvFeed
	cr   *csv.Reader
	cols []int // field index of each column; -1 for a column not read
	n    int   // columns in the header
}

func newCSVLog(src *bufio.Reader, tooLong func(line, bytes int)) *csvLog {
	feed := &csvFeed{src: src, tooLong: tooLong}
	cr := csv.NewReader(feed)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	return &csvLog{feed: feed, cr: cr}
}

// csvProblem reports a problem at a line and column.
type csvProblem func(line, col int, code, summary, detail string)

// header reads the header row. It reports whether rows can be read: the
// header must name case, type and on.
func (c *csvLog) header(problem csvProblem) bool {
	rec, err := c.cr.Read()
	for err != nil && !errors.Is(err, io.EOF) {
		if !c.parseError(err, problem) {
			return false
		}
		rec, err = c.cr.Read()
	}
	if errors.Is(err, io.EOF) {
		return false
	}
	c.n = len(rec)
	c.cols = make([]int, len(rec))
	line, _ := c.cr.FieldPos(0)
	known := 0
	var unknown []func()
	for i, name := range rec {
		_, col := c.cr.FieldPos(i)
		name = string(bytes.TrimSpace([]byte(name)))
		idx := fieldIndex([]byte(name))
		c.cols[i] = idx
		switch {
		case idx < 0:
			unknown = append(unknown, func() {
				problem(line, col, CodeUnknownField, "unknown column "+shownText(name),
					fmt.Sprintf("The header row names a column %s, which events do not have.%s Events have %s. The column is not read: rename it, or remove it.", shownText(name), didYouMeanSafe(name, fieldNames), quotedFields()))
			})
		case slicesIndex(c.cols[:i], idx) >= 0:
			c.cols[i] = -1
			problem(line, col, CodeDuplicateField, fmt.Sprintf("column %q is named twice", name),
				fmt.Sprintf("The header row names %q more than once. Name each column once; only the first is read.", name))
		default:
			known++
		}
	}
	if known == 0 {
		problem(line, 1, CodeBadHeader, "the log is neither JSON Lines nor CSV with a header row",
			fmt.Sprintf(`The first line does not start with "{", so the log was read as CSV, but that line names none of the fields. A CSV log starts with a header row naming its columns, such as case,type,on,programme,reason; a JSON Lines log has one JSON object a line. Add the header row, or correct the first line.`))
		return false
	}
	for _, f := range unknown {
		f()
	}
	ok := true
	for _, need := range []int{fCase, fType, fOn} {
		if slicesIndex(c.cols, need) < 0 {
			ok = false
			problem(line, 1, CodeBadHeader, fmt.Sprintf("the header row has no %q column", fieldNames[need]),
				fmt.Sprintf("Every event has %q, so the header row must name a %q column. Add it; no rows were read.", fieldNames[need], fieldNames[need]))
		}
	}
	return ok
}

func slicesIndex(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// next reads the next row into ev. It returns the row's line, whether a
// row was read (false at the end), and whether ev holds it (false when
// the row was reported as a problem).
func (c *csvLog) next(ev *rawEvent, problem csvProblem) (line int, more, ok bool) {
	rec, err := c.cr.Read()
	if errors.Is(err, io.EOF) {
		return 0, false, false
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.parseError(err, problem)
			return pe.StartLine, true, false
		}
		return c.feed.line, false, false // a read error: reported by the caller
	}
	line, _ = c.cr.FieldPos(0)
	*ev = rawEvent{}
	if len(rec) > c.n {
		_, col := c.cr.FieldPos(c.n)
		problem(line, col, CodeBadRow, fmt.Sprintf("the row has %d cells; the header row has %d", len(rec), c.n),
			"A row has one cell for each column of the header row. Remove the extra cells, or put text that holds commas in double quotes.")
		return line, true, false
	}
	for i, cell := range rec {
		idx := c.cols[i]
		if idx < 0 {
			continue
		}
		text := bytes.TrimSpace([]byte(cell))
		if len(text) == 0 {
			continue // an empty cell is an absent field
		}
		_, col := c.cr.FieldPos(i)
		ev.f[idx] = rawField{present: true, kind: kindText, text: text, col: col}
	}
	return line, true, true
}

// parseError reports a csv syntax error. It reports whether reading can
// go on.
func (c *csvLog) parseError(err error, problem csvProblem) bool {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return false
	}
	what := "is not valid CSV"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = "has a double quote inside a cell that does not start with one"
	case errors.Is(pe.Err, csv.ErrQuote):
		what = "has a quoted cell that is not closed before the next comma or the end of the row"
	}
	problem(pe.Line, max(pe.Column, 1), CodeNotCSV, "the row "+what,
		`A cell that holds a comma, a double quote or a line break must be in double quotes, with each double quote inside it written twice ("a ""b"" c"). Correct the row, or remove it.`)
	return true
}

// didYouMeanSafe suggests a field name for name, which is shown only when
// it looks like a name.
func didYouMeanSafe(name string, candidates []string) string {
	if shownText(name) == "a value" {
		return ""
	}
	return didYouMean(name, candidates)
}
