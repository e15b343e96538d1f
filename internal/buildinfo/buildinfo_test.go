package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestModuleVersion(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{name: "the command itself, released", bi: debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v1.2.0"}}, want: "v1.2.0"},
		{name: "the command itself, from a commit", bi: debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v0.0.0-20261129085300-dc3c935abcde+dirty"}}, want: "v0.0.0-20261129085300-dc3c935abcde+dirty"},
		{name: "a work tree without version control", bi: debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "(devel)"}}, want: Devel},
		{name: "no version at all", bi: debug.BuildInfo{Main: debug.Module{Path: ModulePath}}, want: Devel},
		{name: "a dependency of an agency's program", bi: debug.BuildInfo{Main: debug.Module{Path: "example.org/agency", Version: "v3.0.0"},
			Deps: []*debug.Module{{Path: "example.org/other", Version: "v9.9.9"}, {Path: ModulePath, Version: "v1.4.1"}}}, want: "v1.4.1"},
		{name: "a replaced dependency", bi: debug.BuildInfo{Main: debug.Module{Path: "example.org/agency"},
			Deps: []*debug.Module{{Path: ModulePath, Version: "v1.4.1", Replace: &debug.Module{Path: "example.org/fork", Version: "v1.4.2"}}}}, want: "v1.4.2"},
		{name: "a dependency replaced by a folder", bi: debug.BuildInfo{Main: debug.Module{Path: "example.org/agency"},
			Deps: []*debug.Module{{Path: ModulePath, Version: "v1.4.1", Replace: &debug.Module{Path: "../pathway"}}}}, want: "v1.4.1"},
		{name: "not in the build", bi: debug.BuildInfo{Main: debug.Module{Path: "example.org/agency"}}, want: Devel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ModuleVersion(&tt.bi))
		})
	}
}

func TestVersionInTests(t *testing.T) {
	// A test binary carries no module version.
	assert.Equal(t, Devel, Version())
}
