package studio

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/saferpath/pathway"
)

// ruleFiles are the files a version folder may hold, in the order the
// studio shows them.
var ruleFiles = []string{pathway.ManifestFile, pathway.EligibilityFile, pathway.ProgrammesFile, pathway.SafeguardingFile, pathway.OutcomesFile}

// folder is the pack folder being drafted, opened with os.OpenRoot so that
// nothing read or written can lead outside it.
type folder struct {
	dir     string // as given
	display string // as diagnostics name it: dir with forward slashes
	root    *os.Root

	// versions are the version folders as found at start ("." for a
	// folder that is itself a version), in name order.
	versions []string

	mu sync.Mutex
	// files are the rule files as last read or saved, by path in the
	// folder (2022-08/eligibility.yaml).
	files map[string][]byte
	// others are the other files of the version folders: the loader
	// reports them, so a draft has them too (empty: it never reads them).
	others []string
}

// openFolder opens dir and reads its rule files.
func openFolder(dir string) (*folder, error) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, fmt.Errorf("cannot open the rule pack folder %s: it does not exist or is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the rule pack folder %s: %w", dir, cause(err))
	}
	f := &folder{dir: dir, display: path.Clean(filepath.ToSlash(dir)), root: root, files: map[string][]byte{}}
	fsys := root.FS()
	if _, err := fs.Stat(fsys, pathway.ManifestFile); err == nil {
		f.versions = []string{"."}
	} else {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			root.Close()
			return nil, fmt.Errorf("cannot read the rule pack folder %s", dir)
		}
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if _, err := fs.Stat(fsys, path.Join(e.Name(), pathway.ManifestFile)); err == nil {
				f.versions = append(f.versions, e.Name())
			}
		}
	}
	if len(f.versions) == 0 {
		root.Close()
		return nil, fmt.Errorf("%s is not a rule pack: it has no %s, and no folder in it has one", dir, pathway.ManifestFile)
	}
	for _, v := range f.versions {
		entries, err := fs.ReadDir(fsys, v)
		if err != nil {
			root.Close()
			return nil, fmt.Errorf("cannot read the version folder %s", path.Join(f.display, v))
		}
		for _, e := range entries {
			name := path.Join(v, e.Name())
			switch {
			case e.IsDir() || strings.HasPrefix(e.Name(), "."):
			case slices.Contains(ruleFiles, e.Name()):
				data, err := pathway.ReadBounded(fsys, name, pathway.MaxRuleFile)
				if err != nil {
					root.Close()
					return nil, fmt.Errorf("cannot read %s: %v", path.Join(f.display, name), err)
				}
				f.files[name] = data
			default:
				f.others = append(f.others, name)
			}
		}
	}
	return f, nil
}

func (f *folder) close() error { return f.root.Close() }

// editable reports whether name is a rule file the studio may write: one of
// the five rule file names inside a version folder found at start, written
// exactly so (no "..", no "./", no absolute path, no backslash).
func (f *folder) editable(name string) bool {
	if !fs.ValidPath(name) || strings.Contains(name, "\\") {
		return false
	}
	dir, file := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	return slices.Contains(f.versions, dir) && slices.Contains(ruleFiles, file)
}

// snapshot returns the rule files as last read or saved.
func (f *folder) snapshot() map[string][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string][]byte, len(f.files))
	for k, v := range f.files {
		out[k] = v
	}
	return out
}

// draft is the pack folder in memory with files in place of the rule files
// (nil: the files as last read or saved), for loading. Nothing is written.
func (f *folder) draft(files map[string][]byte) fs.FS {
	if files == nil {
		files = f.snapshot()
	}
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	for _, name := range f.others {
		if _, ok := m[name]; !ok {
			m[name] = &fstest.MapFile{Mode: 0o644}
		}
	}
	// A version folder with no file left in it is still a folder.
	for _, v := range f.versions {
		if v != "." {
			m[v] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
		}
	}
	return m
}

// relative turns a file name as diagnostics give it (under display) into a
// path in the folder; ok is false for a name outside it.
func (f *folder) relative(name string) (string, bool) {
	if f.display == "." {
		return name, name != "" && fs.ValidPath(name)
	}
	if name == f.display {
		return ".", true
	}
	rest, ok := strings.CutPrefix(name, f.display+"/")
	return rest, ok
}

// saveError is a file the studio refused to write, or could not.
type saveError struct {
	status int // an HTTP status
	file   string
	msg    string
}

func (e *saveError) Error() string { return e.file + ": " + e.msg }

// save writes files (path in the folder → contents) atomically, after
// checking all of them: nothing is written unless every name is a rule file
// of a version folder, no file is a link or anything but a regular file,
// and none changed on disk since the studio last read or wrote it. Each is
// written to a hidden temporary file beside it, synced, given the mode of
// the file it replaces, and renamed over it; then the folder is synced.
func (f *folder) save(files map[string][]byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	names := slices.Sorted(maps.Keys(files))
	modes := map[string]fs.FileMode{}
	for _, name := range names {
		if !f.editable(name) {
			return &saveError{status: 400, file: name, msg: "the studio writes only the rule files (" + strings.Join(ruleFiles, ", ") + ") of the pack's version folders"}
		}
		if len(files[name]) > pathway.MaxRuleFile {
			return &saveError{status: 413, file: name, msg: fmt.Sprintf("a rule file may be at most %d bytes", pathway.MaxRuleFile)}
		}
		info, err := f.root.Lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if _, known := f.files[name]; known {
				return &saveError{status: 409, file: name, msg: "the file was removed from the folder since the studio opened it; nothing was saved"}
			}
			dirInfo, err := f.root.Lstat(path.Dir(name))
			if err != nil || !dirInfo.IsDir() {
				return &saveError{status: 400, file: name, msg: "its version folder is not a folder inside the pack folder"}
			}
			modes[name] = 0o644
			continue
		case err != nil:
			return &saveError{status: 400, file: name, msg: "the file cannot be reached inside the pack folder"}
		case info.Mode()&fs.ModeSymlink != 0:
			return &saveError{status: 400, file: name, msg: "the file is a link; the studio writes only regular files inside the pack folder"}
		case !info.Mode().IsRegular():
			return &saveError{status: 400, file: name, msg: "the file is not a regular file"}
		}
		current, err := pathway.ReadBounded(f.root.FS(), name, pathway.MaxRuleFile)
		if err != nil || sha256.Sum256(current) != sha256.Sum256(f.files[name]) {
			return &saveError{status: 409, file: name, msg: "the file was changed on disk since the studio opened it; nothing was saved. Copy your changes, close the studio, and open it again"}
		}
		modes[name] = info.Mode().Perm()
	}
	for _, name := range names {
		if err := f.writeAtomic(name, files[name], modes[name]); err != nil {
			return &saveError{status: 500, file: name, msg: err.Error()}
		}
		f.files[name] = files[name]
	}
	return nil
}

// writeAtomic writes data to name through a temporary file in the same
// folder, renamed over name once it is on disk.
func (f *folder) writeAtomic(name string, data []byte, mode fs.FileMode) error {
	dir := path.Dir(name)
	suffix, err := newToken()
	if err != nil {
		return err
	}
	tmp := path.Join(dir, "."+path.Base(name)+".studio-"+suffix[:12]+".tmp")
	w, err := f.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot create a temporary file beside it: %w", cause(err))
	}
	fail := func(what string, err error) error {
		_ = w.Close()
		_ = f.root.Remove(tmp)
		return fmt.Errorf("%s: %w", what, cause(err))
	}
	if _, err := w.Write(data); err != nil {
		return fail("cannot write it", err)
	}
	if err := w.Sync(); err != nil {
		return fail("cannot write it to disk", err)
	}
	if err := w.Chmod(mode); err != nil {
		return fail("cannot give it the file's permissions", err)
	}
	if err := w.Close(); err != nil {
		_ = f.root.Remove(tmp)
		return fmt.Errorf("cannot write it: %w", cause(err))
	}
	if err := f.root.Rename(tmp, name); err != nil {
		_ = f.root.Remove(tmp)
		return fmt.Errorf("cannot put it in place: %w", cause(err))
	}
	if d, err := f.root.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// cause is the reason an operating system call failed, without the path.
func cause(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
