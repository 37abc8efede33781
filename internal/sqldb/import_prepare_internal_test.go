package sqldb

import (
	"testing"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/importer"
)

// A batch's preparation is used only when it was made under the writer's
// key for these records; otherwise the writer works it out again, so a
// key changed between the two can never let a suppressed address through.
func TestPreparedBatchChecked(t *testing.T) {
	records := []*importer.Record{{Line: 2, Person: &crm.Person{Emails: []crm.Email{{Address: "a@x.fr", Norm: "a@x.fr"}},
		Custom: map[string]any{"score": 3.0}}}}
	mine, err := prepareRecords([]byte("key"), records)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := prepareRecords([]byte("other key"), records)
	short := &preparedBatch{key: []byte("key")}
	w := &batchWriter{key: []byte("key")}
	for _, tc := range []struct {
		name     string
		prepared any
		reused   bool
	}{
		{"Same key", mine, true},
		{"Other key", other, false},
		{"Other records", short, false},
		{"None", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.prepared(&importer.Batch{Records: records, Prepared: tc.prepared})
			if err != nil {
				t.Fatal(err)
			}
			if (got == tc.prepared) != tc.reused {
				t.Fatalf("reused = %v, want %v", got == tc.prepared, tc.reused)
			}
			if got.rows[0].hashes[0] != mine.rows[0].hashes[0] || got.rows[0].custom != `{"score":3}` {
				t.Fatalf("prepared %+v", got.rows[0])
			}
		})
	}
}
