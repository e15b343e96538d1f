package main

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each command sets the collector's pace for its work, unless GOGC is set.
func TestGCPace(t *testing.T) {
	tests := []struct {
		name string
		gogc string // "" for unset
		run  func()
		want int
	}{
		{name: "a batch runs roomy", run: roomyHeap, want: 400},
		{name: "a report runs lean", run: leanHeap, want: 50},
		{name: "GOGC is kept for a batch", gogc: "100", run: roomyHeap, want: 77},
		{name: "GOGC is kept for a report", gogc: "off", run: leanHeap, want: 77},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.gogc == "" {
				t.Setenv("GOGC", "")
				os.Unsetenv("GOGC")
			} else {
				t.Setenv("GOGC", tt.gogc)
			}
			// 77 stands for the pace in force before, as GOGC set it.
			old := debug.SetGCPercent(77)
			defer debug.SetGCPercent(old)
			tt.run()
			assert.Equal(t, tt.want, debug.SetGCPercent(77))
		})
	}
}
