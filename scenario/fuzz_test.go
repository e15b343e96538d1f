package scenario_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/scenario"
)

// FuzzLoadScenario feeds arbitrary scenario files to Load and runs what
// loads: no input may panic, every error must be a diag.List, and every
// problem must name the file.
func FuzzLoadScenario(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	kent, _ := filepath.Glob("../scenarios/kent/*.yaml")
	for _, name := range append(seeds, kent...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		src := strings.ReplaceAll(string(data), "../../../examples/referrals/", "../r/")
		src = strings.ReplaceAll(src, "../../examples/referrals/", "../r/")
		f.Add(src)
	}
	f.Add("cases: [{name: x, referral: {id: 1}, set: {victims[0]: 1}, expect: {decision: invalid}}]")
	f.Add("pack: ./p\ncases: []")
	f.Add("cases:\n  - name: a\n    referral: ../r/hr-eligible.json\n    set:\n      victims[99999999999].x: 1\n    expect: {actions: []}")
	f.Fuzz(func(t *testing.T, src string) { runOne(t, src) })
}

var fuzzRef, fuzzCobi []byte

func runOne(t *testing.T, src string) {
	ref, cobi := fuzzRef, fuzzCobi
	{
		fsys := fstest.MapFS{
			"s/cases.yaml":         {Data: []byte(src)},
			"r/hr-eligible.json":   {Data: ref},
			"r/cobi-eligible.json": {Data: cobi},
		}
		for _, name := range []string{"hr-female-subject.json", "hr-several-victims-children.json", "hr-unanswered-eligibility.json",
			"cobi-likely-order.yaml", "cobi-spo-risk-to-staff.yaml"} {
			fsys["r/"+name] = &fstest.MapFile{Data: ref}
		}
		file, err := scenario.Load(fsys, "s/cases.yaml")
		if err != nil {
			var l diag.List
			if !errors.As(err, &l) || len(l) == 0 {
				t.Fatalf("the error is not a diag.List: %v", err)
			}
			for _, d := range l {
				if d.Range.File == "" {
					t.Fatalf("a problem names no file: %s", d.Compact())
				}
			}
			return
		}
		for i, c := range file.Cases {
			if i == 3 {
				break
			}
			res := c.Run(context.Background())
			var b strings.Builder
			_ = res.WriteText(&b)
		}
	}
}

func init() {
	fuzzRef, _ = os.ReadFile("../examples/referrals/hr-eligible.json")
	fuzzCobi, _ = os.ReadFile("../examples/referrals/cobi-eligible.json")
}
