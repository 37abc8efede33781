package sqldb_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestBulkLoadCopiesTheLogInBackground: during a bulk load, what the
// writer commits reaches the database file without the writer copying it
// (its threshold, 50,000 pages, is far above what the test writes), and
// the copier stops with the load.
func TestBulkLoadCopiesTheLogInBackground(t *testing.T) {
	ctx := context.Background()
	path := sqldbtest.DSN(t, sqldb.SQLite)
	db, err := sqldb.Open(ctx, path, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, `CREATE TABLE filler (b BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	restore, err := db.PrepareBulkLoad(ctx, 500_000)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	const written = 2 << 20
	if _, err := db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2048)
		INSERT INTO filler SELECT randomblob(1024) FROM n`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); size() < before+written; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, %d before: the log was not copied in the background", size(), before)
		}
	}
}
