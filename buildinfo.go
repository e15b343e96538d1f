package pathway

import (
	"runtime/debug"
	"sync"
)

// ModulePath is the path of this module.
const ModulePath = "github.com/saferpath/pathway"

// DevelVersion is the engine version of a build that carries no module
// version: a test binary, or a build from a work tree without version
// control information.
const DevelVersion = "devel"

var engineVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return DevelVersion
	}
	return moduleVersion(bi)
})

// moduleVersion finds this module's version in bi: the main module's when
// this is the Pathway command itself, or the dependency's when Pathway is
// built into another program (following a replace directive).
func moduleVersion(bi *debug.BuildInfo) string {
	version := ""
	if bi.Main.Path == ModulePath {
		version = bi.Main.Version
	} else {
		for _, d := range bi.Deps {
			if d.Path != ModulePath {
				continue
			}
			version = d.Version
			if d.Replace != nil && d.Replace.Version != "" {
				version = d.Replace.Version
			}
		}
	}
	if version == "" || version == "(devel)" {
		return DevelVersion
	}
	return version
}

// EngineVersion returns the version of the Pathway module in the running
// binary, as the Go toolchain recorded it (v1.2.0, or a pseudo-version such
// as v0.0.0-20261129085300-dc3c935abcde for a build from a commit), or
// "devel" when the build carries none. Every assessment's pack stamp
// records it.
func EngineVersion() string { return engineVersion() }
