package demo

import (
	"context"
	"testing"
	"time"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestPrepareBulkLoadRestores: during a large load the writing
// connection has a wider page cache and a later checkpoint; both come
// back afterwards.
func TestPrepareBulkLoadRestores(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t, sqldb.SQLite)
	pragma := func(name string) (n int64) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return tx.QueryRow(ctx, "PRAGMA "+name).Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cache, checkpoint := pragma("cache_size"), pragma("wal_autocheckpoint")
	restore, err := db.PrepareBulkLoad(ctx, 500_000)
	if err != nil {
		t.Fatal(err)
	}
	if got := pragma("cache_size"); got != -256<<10 {
		t.Errorf("cache_size during the load = %d, want %d (256 MiB)", got, -256<<10)
	}
	if got := pragma("wal_autocheckpoint"); got != 50_000 {
		t.Errorf("wal_autocheckpoint during the load = %d, want 50000", got)
	}
	restore()
	if got := pragma("cache_size"); got != cache {
		t.Errorf("cache_size after the load = %d, want %d", got, cache)
	}
	if got := pragma("wal_autocheckpoint"); got != checkpoint {
		t.Errorf("wal_autocheckpoint after the load = %d, want %d", got, checkpoint)
	}
}

func TestProgressLine(t *testing.T) {
	p := &progress{total: 1_000_000, done: 420_000}
	got := p.line(10_909_090_909) // 38,500 people a second
	want := "[############..................]  42% 420000/1000000  38,500 rows/s  ETA 15s"
	if got != want {
		t.Errorf("line = %q\nwant   %q", got, want)
	}
	p = &progress{total: 20_000, done: 10_000}
	if got, want := p.line(17*time.Microsecond), "[###############...............]  50% 10000/20000  … rows/s  ETA ?"; got != want {
		t.Errorf("line after 17µs = %q, want %q", got, want)
	}
	if thousands(1234567) != "1,234,567" || thousands(999) != "999" {
		t.Error("thousands")
	}
}
