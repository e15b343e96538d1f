package rule

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/saferpath/pathway/diag"
)

func TestDuplicates(t *testing.T) {
	at := func(line int) diag.Range {
		return diag.Range{File: "eligibility.yaml", Start: diag.Pos{Line: line, Column: 9}}
	}
	tests := []struct {
		name  string
		rules []Rule
		lines []int // the lines reported, in order
	}{
		{name: "none", rules: nil},
		{name: "all different", rules: []Rule{{ID: "a", IDAt: at(1)}, {ID: "b", IDAt: at(2)}}},
		{name: "one repeated", rules: []Rule{{ID: "a", IDAt: at(1)}, {ID: "b", IDAt: at(2)}, {ID: "a", IDAt: at(3)}}, lines: []int{3}},
		{name: "three times", rules: []Rule{{ID: "a", IDAt: at(1)}, {ID: "a", IDAt: at(2)}, {ID: "a", IDAt: at(3)}}, lines: []int{2, 3}},
		{name: "missing ids are not duplicates", rules: []Rule{{IDAt: at(1)}, {IDAt: at(2)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Duplicates(tt.rules, "scenarios name rules by id")
			var lines []int
			for _, d := range got {
				lines = append(lines, d.Range.Start.Line)
				assert.Equal(t, "duplicate-id", d.Code)
				assert.Equal(t, diag.Error, d.Severity)
				assert.Contains(t, d.Detail, "already used at eligibility.yaml:1:9")
				assert.Contains(t, d.Detail, "scenarios name rules by id. Rename one of them.")
			}
			assert.Equal(t, tt.lines, lines)
		})
	}
}
