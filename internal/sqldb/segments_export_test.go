package sqldb

import "github.com/registre/registre/internal/segment"

// SetBulkBatchHook lets tests fail a batch just before it commits, as a
// crash would; it returns the function that removes the hook.
func SetBulkBatchHook(h func(j *segment.Job) error) func() {
	bulkBatchHook = h
	return func() { bulkBatchHook = nil }
}
