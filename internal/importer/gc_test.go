package importer

import (
	"runtime/debug"
	"testing"
)

// The collector's target is raised while imports run, put back when the
// last one ends (whatever order they end in), and never lowered.
func TestRaiseGCTarget(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	current := func() int {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p
	}
	first := raiseGCTarget()
	second := raiseGCTarget()
	if got := current(); got != importGCPercent {
		t.Fatalf("during two imports: %d, want %d", got, importGCPercent)
	}
	first()
	first() // twice changes nothing
	if got := current(); got != importGCPercent {
		t.Fatalf("while one still runs: %d, want %d", got, importGCPercent)
	}
	second()
	if got := current(); got != 100 {
		t.Fatalf("after both: %d, want 100", got)
	}
	debug.SetGCPercent(800)
	raiseGCTarget()()
	if got := current(); got != 800 {
		t.Fatalf("a higher target became %d", got)
	}
}
