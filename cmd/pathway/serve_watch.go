package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
)

// maxWatched bounds how many files and folders watch looks at: a rule
// pack has a handful per version.
const maxWatched = 2000

// watch looks at the files under dir every interval and calls reload once
// they have changed and then stayed the same for one interval (an editor
// or a copy writes several files, one after another). It stops when ctx is
// done.
func watch(ctx context.Context, dir string, interval time.Duration, log *slog.Logger, reload func()) {
	last, err := fingerprint(dir)
	if err != nil {
		log.Warn("cannot watch the rule pack folder", "dir", dir, "error", err.Error())
	}
	pending := ""
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now, err := fingerprint(dir)
		if err != nil {
			log.Warn("cannot watch the rule pack folder", "dir", dir, "error", err.Error())
			continue
		}
		switch {
		case now == last:
			pending = ""
		case now != pending:
			pending = now // changed: wait until it stays the same
		default:
			log.Info("the rule pack's files changed: reloading", "dir", dir)
			last, pending = now, ""
			reload()
		}
	}
}

// fingerprint sums the names, sizes and modification times of the files
// under dir, at most three levels down and maxWatched entries in all.
func fingerprint(dir string) (string, error) {
	h := sha256.New()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() && rel != "." && (strings.HasPrefix(d.Name(), ".") || strings.Count(rel, string(filepath.Separator)) >= 2) {
			return filepath.SkipDir
		}
		if n++; n > maxWatched {
			return fmt.Errorf("the folder holds more than %d files and folders", maxWatched)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", rel, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}
