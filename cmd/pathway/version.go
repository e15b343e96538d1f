package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/saferpath/pathway"
)

// versionText is what "pathway --version" prints: the module version and
// the commit it was built from (from the build information the Go
// toolchain records), and the embedded pack's versions and digests.
func versionText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pathway %s\n", pathway.EngineVersion())
	commit, when, modified := "unknown", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(&b, "commit %s", commit)
	if when != "" {
		fmt.Fprintf(&b, " (%s)", when)
	}
	if modified {
		b.WriteString(", with uncommitted changes")
	}
	fmt.Fprintf(&b, "\n%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	p := pathway.Default()
	fmt.Fprintf(&b, "embedded pack %s:\n%s", p.Name(), describePack(p))
	return b.String()
}
