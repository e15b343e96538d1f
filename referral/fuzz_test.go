package referral

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Read: it must never panic, a nil
// referral must come with a problem, and every problem must be complete.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("../examples/referrals/*")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"victims": [{"knownToSupportService": false, "wantsUpdates": true}], "riskToStaff": {"present": true}, "form": "cobi"}`))
	f.Add([]byte(`{"riskAssessment": {"instrument": "dash-24", "score": 99999999999999999999}}`))
	f.Add([]byte("id: &a x\nform: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, probs := Read("fuzz.json", data)
		if r == nil && len(probs) == 0 {
			t.Fatal("nil referral without a problem")
		}
		for _, d := range probs {
			if d.Code == "" || d.Summary == "" {
				t.Fatalf("incomplete problem %+v", d)
			}
		}
		if r == nil {
			return
		}
		// Whatever decoded can be encoded as the wire format and validated
		// again without panicking.
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("cannot encode a decoded referral: %v", err)
		}
		_ = r.Validate()
	})
}

// BenchmarkDecodeValidate reads and validates each valid example.
func BenchmarkDecodeValidate(b *testing.B) {
	files, _ := filepath.Glob("../examples/referrals/*")
	var inputs [][]byte
	for _, file := range files {
		if base := filepath.Base(file); len(base) > 8 && base[:8] == "invalid-" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		data := inputs[i%len(inputs)]
		if r, probs := Read("bench.json", data); r == nil || len(probs) > 0 {
			b.Fatal(probs)
		}
	}
}
