package importer

import (
	"runtime/debug"
	"sync"
)

// importGCPercent is the collector's target while an import runs: the
// heap may grow to five times what is live before a collection, instead
// of twice. An import allocates about 6 KB a row for a few milliseconds
// each; at the default target the collector took a tenth of a
// million-row import (39,000 rows/s against 42,800 on SQLite), for a peak
// heap of 150 MiB against 370. A GOMEMLIMIT set by the operator still
// caps the heap, and a higher GOGC (or off) is left alone.
const importGCPercent = 400

var gcLoan struct {
	mu      sync.Mutex
	imports int // running
	old     int // the target before the first
}

// raiseGCTarget raises the collector's target for the duration of an
// import and returns the function that puts it back once no import runs.
func raiseGCTarget() (restore func()) {
	gcLoan.mu.Lock()
	defer gcLoan.mu.Unlock()
	if gcLoan.imports == 0 {
		gcLoan.old = debug.SetGCPercent(importGCPercent)
		if gcLoan.old < 0 || gcLoan.old > importGCPercent {
			debug.SetGCPercent(gcLoan.old)
		}
	}
	gcLoan.imports++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcLoan.mu.Lock()
			defer gcLoan.mu.Unlock()
			if gcLoan.imports--; gcLoan.imports == 0 {
				debug.SetGCPercent(gcLoan.old)
			}
		})
	}
}
