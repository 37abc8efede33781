package sqldb

import (
	"context"
	"fmt"
	"strconv"
)

// WidenCache lets SQLite keep in memory the indexes a large load fills (the
// demo generator, an import): they outgrow the default page cache, and
// inserts in random key order then reread pages from the file (a million-row
// import: 273 s with the default 32 MB, 239 s with 1 GiB). It gives about
// 1 KiB per row, up to 1 GiB, to the writing connection, and returns a
// function that restores the previous size. With two loads at once, the
// first to finish restores the smaller cache under the second (slower,
// not wrong). On PostgreSQL it does nothing.
func (db *DB) WidenCache(ctx context.Context, rows int64) (func(), error) {
	noop := func() {}
	if db.Engine != SQLite {
		return noop, nil
	}
	want := min(1<<20, rows) // KiB
	var old int64
	// The pragma is per connection: read and set it on the writing one.
	err := db.InTx(ctx, func(tx *Tx) error { return tx.QueryRow(ctx, "PRAGMA cache_size").Scan(&old) })
	if err != nil {
		return noop, fmt.Errorf("read cache size: %w", err)
	}
	size := -old // KiB when negative, pages of (usually) 4 KiB when positive
	if old > 0 {
		size = old * 4
	}
	if size >= want {
		return noop, nil
	}
	if _, err := db.Exec(ctx, "PRAGMA cache_size = -"+strconv.FormatInt(want, 10)); err != nil {
		return noop, fmt.Errorf("set cache size: %w", err)
	}
	return func() {
		_, _ = db.Exec(context.WithoutCancel(ctx), "PRAGMA cache_size = "+strconv.FormatInt(old, 10))
	}, nil
}

// PrepareLoad widens SQLite's cache for the rows an import has left to
// write (see WidenCache); importer.Service calls it before a run.
func (s ImportStore) PrepareLoad(ctx context.Context, rows int64) (func(), error) {
	return s.DB.WidenCache(ctx, rows)
}
