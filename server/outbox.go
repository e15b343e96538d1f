package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
)

// DefaultOutboxMax is the most files an outbox holds before it refuses
// more, unless OpenOutbox is told otherwise.
const DefaultOutboxMax = 1000

// tempPrefix starts the name of a file still being written: such a file
// is not a referral yet and is not counted.
const tempPrefix = ".tmp-"

// ErrOutboxFull is returned by Outbox.Write when the outbox holds its
// most files: whoever collects them has not done so.
var ErrOutboxFull = errors.New("the outbox is full")

// Outbox is the folder where the referral form's sent referrals are
// written, one JSON file each, for the police co-ordinator's side to
// collect (docs/service.md). Every file is written inside the folder
// only (through os.Root, which refuses any path or link that leads out of
// it), atomically (a temporary file in the folder, flushed to disk, then
// renamed), with mode 0600 and a name the service makes itself. It is safe
// for concurrent use.
type Outbox struct {
	mu   sync.Mutex
	root *os.Root
	dir  string
	max  int
}

// OpenOutbox opens the folder dir as an outbox that holds at most max
// files (DefaultOutboxMax when max is 0). The folder must exist. On
// systems with Unix permissions it refuses a folder that users outside
// its owner's group may read or enter: the files hold personal data.
func OpenOutbox(dir string, max int) (*Outbox, error) {
	if max < 0 {
		return nil, errors.New("the outbox's most files is negative")
	}
	if max == 0 {
		max = DefaultOutboxMax
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot use the outbox %s: %w", dir, fileError(err))
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("the outbox %s is not a folder: give the path of a folder", dir)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o007 != 0 {
		return nil, fmt.Errorf("other users may open the outbox %s: the referrals in it hold personal data, so make it private to its owner (chmod 700)", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the outbox %s: %w", dir, fileError(err))
	}
	return &Outbox{root: root, dir: dir, max: max}, nil
}

// Dir returns the outbox's folder, as it was given.
func (o *Outbox) Dir() string { return o.dir }

// Max returns the most files the outbox holds.
func (o *Outbox) Max() int { return o.max }

// Close closes the outbox's folder. Later writes fail.
func (o *Outbox) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.root.Close()
}

// Write writes data as the file named name (a name the caller made, such
// as a decision id and ".json", never one taken from a request), in one
// go: a temporary file in the folder, written, flushed to disk and closed,
// is renamed to name, and the folder is flushed. A reader of the folder
// sees the whole file or none of it. Write refuses, with ErrOutboxFull,
// when the folder already holds its most files, and refuses a name that
// is not a plain file name.
func (o *Outbox) Write(name string, data []byte) error {
	if !plainName(name) {
		return errors.New("an outbox file's name is a plain file name")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.count()
	if err != nil {
		return err
	}
	if n >= o.max {
		return ErrOutboxFull
	}
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	tmp := tempPrefix + hex.EncodeToString(rnd[:])
	f, err := o.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = o.root.Rename(tmp, name)
	}
	if err != nil {
		_ = o.root.Remove(tmp)
		return err
	}
	if d, err := o.root.Open("."); err == nil {
		// Flush the folder, so that the new name survives a crash. Some
		// systems cannot flush a folder: the file itself is on disk.
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Remove removes the file name from the outbox, undoing a Write whose
// referral could not be recorded.
func (o *Outbox) Remove(name string) error {
	if !plainName(name) {
		return errors.New("an outbox file's name is a plain file name")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.root.Remove(name)
}

// count counts the files in the folder, not those being written, up to
// one past the most it may hold.
func (o *Outbox) count() (int, error) {
	d, err := o.root.Open(".")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		names, err := d.Readdirnames(256)
		for _, name := range names {
			if !strings.HasPrefix(name, tempPrefix) {
				n++
			}
		}
		if n > o.max || errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// plainName reports whether name is a plain file name: not empty, no
// separator, not a dot name, no control character.
func plainName(name string) bool {
	if name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") || len(name) > 200 {
		return false
	}
	for _, r := range name {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f || r == ':' {
			return false
		}
	}
	return true
}
