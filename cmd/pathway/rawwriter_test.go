package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/saferpath/pathway/internal/safetext"
)

// Progress bars find the terminal under run's escaping writer.
func TestRawWriter(t *testing.T) {
	var b bytes.Buffer
	assert.Same(t, &b, rawWriter(safetext.NewWriter(&b)))
	assert.Same(t, &b, rawWriter(&b))
}
