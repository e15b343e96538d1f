package referral

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLargeInputStaysBounded reads a minified referral near the size limit
// with many problems: it must be quick and its problems bounded.
func TestLargeInputStaysBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"victims": [`)
	for i := 0; b.Len() < yamlsrc.MaxSize-1000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"nme%d": "x", "knownToSupportService": false}`, i)
	}
	b.WriteString(`]}`)
	start := time.Now()
	r, probs := Read("big.json", []byte(b.String()))
	require.NotNil(t, r)
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.LessOrEqual(t, len(probs), 300)
	for _, d := range probs {
		assert.Empty(t, d.Excerpt, "a 4 MiB line is not shown")
	}
}
