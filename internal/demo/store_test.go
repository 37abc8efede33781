package demo

import (
	"context"
	"testing"
	"time"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestWidenCacheRestores(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t, sqldb.SQLite)
	cacheSize := func() (n int64) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return tx.QueryRow(ctx, "PRAGMA cache_size").Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := cacheSize()
	restore, err := db.WidenCache(ctx, 500_000)
	if err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(); got != -500_000 {
		t.Errorf("cache_size during the load = %d, want -500000", got)
	}
	restore()
	if got := cacheSize(); got != before {
		t.Errorf("cache_size after the load = %d, want %d", got, before)
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
