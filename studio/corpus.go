package studio

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Bounds of a corpus, which is read once, at start, and held in memory.
const (
	maxCorpusFile = 256 << 20 // one file
	maxReferral   = 1 << 20   // one referral file in a folder
	maxCorpus     = 100_000   // referrals
)

// corpus is the referrals the draft is compared over, in the order read:
// a folder's files in name order, a JSON Lines file's lines in order. It
// holds personal data: nothing of it is logged or shown but ids.
type corpus struct {
	items  []item
	unread int // lines that are not JSON at all: invalid under any rules
}

type item struct {
	name     string // the referral's id, or its place in the corpus
	r        *referral.Referral
	problems diag.List
}

// readCorpus reads a JSON Lines file, a referral file, or a folder of
// referral files (.json, .yaml, .yml, and .jsonl with one a line).
func readCorpus(name string) (*corpus, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read the corpus %s: it does not exist", name)
	}
	c := &corpus{}
	if !info.IsDir() {
		if err := c.readFile(os.DirFS(filepath.Dir(name)), filepath.Base(name), name); err != nil {
			return nil, err
		}
		return c, nil
	}
	root, err := os.OpenRoot(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open the corpus folder %s: %w", name, cause(err))
	}
	defer root.Close()
	fsys := root.FS()
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read the corpus folder %s: %w", name, cause(err))
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		switch path.Ext(p) {
		case ".json", ".yaml", ".yml", ".jsonl":
			if !d.Type().IsRegular() {
				return nil
			}
			return c.readFile(fsys, p, path.Join(filepath.ToSlash(name), p))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// readFile reads one corpus file: display names it in errors.
func (c *corpus) readFile(fsys fs.FS, name, display string) error {
	limit := int64(maxReferral)
	if path.Ext(name) == ".jsonl" {
		limit = maxCorpusFile
	}
	data, err := pathway.ReadBounded(fsys, name, limit)
	if err != nil {
		return fmt.Errorf("cannot read the corpus file %s: %v", display, err)
	}
	if path.Ext(name) != ".jsonl" {
		r, problems := referral.Read(display, data)
		if r == nil {
			return fmt.Errorf("the corpus file %s is not a JSON or YAML document", display)
		}
		return c.add(r, problems)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, batch.MaxLine)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		r, problems := referral.Read(fmt.Sprintf("%s:%d", display, line), text)
		if r == nil {
			c.unread++
			continue
		}
		if err := c.add(r, problems); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("cannot read the corpus file %s: line %d is too long or cannot be read", display, line+1)
	}
	return nil
}

func (c *corpus) add(r *referral.Referral, problems diag.List) error {
	if len(c.items)+c.unread >= maxCorpus {
		return fmt.Errorf("the corpus has more than %d referrals; take a sample", maxCorpus)
	}
	name := r.ID
	if name == "" {
		// Never the file's name: it may name a person.
		name = fmt.Sprintf("referral %d (no id)", len(c.items)+c.unread+1)
	}
	c.items = append(c.items, item{name: name, r: r, problems: problems})
	return nil
}
