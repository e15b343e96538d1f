// Package buildinfo says which version of Pathway is running, for the
// stamps on assessments and reports: the one place it is worked out.
package buildinfo

import (
	"runtime/debug"
	"sync"
)

// ModulePath is the path of Pathway's module.
const ModulePath = "github.com/saferpath/pathway"

// Devel is the version of a build that carries no module version: a test
// binary, or a build from a work tree without version control information.
const Devel = "devel"

// Version returns the version of the Pathway module in the running
// binary, as the Go toolchain recorded it, or Devel.
func Version() string { return version() }

var version = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Devel
	}
	return ModuleVersion(bi)
})

// ModuleVersion finds Pathway's version in bi: the main module's when this
// is the Pathway command itself, or the dependency's when Pathway is built
// into another program (following a replace directive).
func ModuleVersion(bi *debug.BuildInfo) string {
	v := ""
	if bi.Main.Path == ModulePath {
		v = bi.Main.Version
	} else {
		for _, d := range bi.Deps {
			if d.Path != ModulePath {
				continue
			}
			v = d.Version
			if d.Replace != nil && d.Replace.Version != "" {
				v = d.Replace.Version
			}
		}
	}
	if v == "" || v == "(devel)" {
		return Devel
	}
	return v
}
