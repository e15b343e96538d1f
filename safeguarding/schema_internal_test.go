package safeguarding

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/referral"
)

// Building the triggers' schemas leaves the engine's shared schemas as they
// were: their victim and child still come from the Env's Scope.
func TestEngineSchemasUntouched(t *testing.T) {
	_ = schemas()
	tests := []struct {
		name   string
		schema *engine.Schema
		field  string
		scope  any
	}{
		{"victim", engine.VictimSchema(), "victim", &referral.Victim{Name: "x"}},
		{"child", engine.ChildSchema(), "child", &referral.Child{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.schema.Lookup(tt.field).Get(&engine.Env{Scope: tt.scope})
			assert.Equal(t, engine.KindObject, got.K)
			assert.Same(t, tt.scope, got.O)
		})
	}
	assert.Nil(t, engine.ReferralSchema().Lookup("marac"))
}
