package pathway

import "github.com/saferpath/pathway/internal/buildinfo"

// ModulePath is the path of this module.
const ModulePath = buildinfo.ModulePath

// DevelVersion is the engine version of a build that carries no module
// version: a test binary, or a build from a work tree without version
// control information.
const DevelVersion = buildinfo.Devel

// EngineVersion returns the version of the Pathway module in the running
// binary, as the Go toolchain recorded it (v1.2.0, or a pseudo-version such
// as v0.0.0-20261129085300-dc3c935abcde for a build from a commit), or
// "devel" when the build carries none. Every assessment's pack stamp
// records it.
func EngineVersion() string { return buildinfo.Version() }
