package sqldb

import (
	"context"
	"fmt"
	"strconv"
)

// PrepareBulkLoad readies SQLite's writing connection for a large load
// (the demo generator, an import) and returns the function that puts it
// back. It widens the page cache (see widenCache) and, from 20,000 rows,
// lets the write-ahead log grow to 50,000 pages (about 200 MB) before
// SQLite copies it into the database, instead of 1,000: each copy writes
// every index page the load touched since the last one, and with ten
// indexes on people a load touches them all the time (a 300,000-row
// import: 5,400-5,800 rows/s with 1,000 pages, 8,500 with 10,000, 9,900-
// 10,100 with 50,000, 10,400 with 100,000; never copying, 8,300, the log
// growing without bound). Meanwhile a copier of its own copies the log
// as it grows (checkpointInBackground), so that the writer's commits
// rarely do. The returned function stops it and copies the log once,
// so that the next writer (a form submission) does not pay for it. On
// PostgreSQL it does nothing.
func (db *DB) PrepareBulkLoad(ctx context.Context, rows int64) (func(), error) {
	noop := func() {}
	if db.Engine != SQLite {
		return noop, nil
	}
	restoreCache, err := db.widenCache(ctx, rows)
	if err != nil || rows < bulkLoadMinRows {
		return restoreCache, err
	}
	var old int64
	err = db.InTx(ctx, func(tx *Tx) error { return tx.QueryRow(ctx, "PRAGMA wal_autocheckpoint").Scan(&old) })
	if err != nil {
		restoreCache()
		return noop, fmt.Errorf("read the checkpoint threshold: %w", err)
	}
	if _, err := db.Exec(ctx, "PRAGMA wal_autocheckpoint = "+strconv.Itoa(bulkCheckpointPages)); err != nil {
		restoreCache()
		return noop, fmt.Errorf("set the checkpoint threshold: %w", err)
	}
	stopCheckpoints, err := db.checkpointInBackground(ctx)
	if err != nil {
		restoreCache()
		_, _ = db.Exec(context.WithoutCancel(ctx), "PRAGMA wal_autocheckpoint = "+strconv.FormatInt(old, 10))
		return noop, err
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		stopCheckpoints()
		restoreCache()
		_, _ = db.Exec(ctx, "PRAGMA wal_autocheckpoint = "+strconv.FormatInt(old, 10))
		var busy, log, done int64
		_ = db.write.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done)
	}, nil
}

const (
	bulkLoadMinRows     = 20_000
	bulkCheckpointPages = 50_000
)

// widenCache lets SQLite keep in memory the indexes a large load fills:
// they outgrow the default page cache, and inserts in random key order
// then reread pages from the file (a million-row import: 273 s with the
// default 32 MB, 239 s with 1 GiB). It gives about 1 KiB per row, up to
// 256 MiB, to the writing connection: a larger cache costs more to fill
// than it saves (a million rows of our French file, in random order:
// 9,641 rows/s with 64 MiB, 10,799-11,225 with 256, 9,674 with 1 GiB; the
// peer's file, in order: 34,976-36,513 with 1 GiB, 40,272-46,410 with
// 256 MiB). It returns a function that restores
// the previous size. With two loads at once, the first to finish restores
// the smaller cache and checkpoint threshold under the second (slower,
// not wrong).
func (db *DB) widenCache(ctx context.Context, rows int64) (func(), error) {
	noop := func() {}
	want := min(1<<18, rows) // KiB
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

// PrepareLoad readies SQLite for the rows an import has left to write
// (see PrepareBulkLoad); importer.Service calls it before a run.
func (s ImportStore) PrepareLoad(ctx context.Context, rows int64) (func(), error) {
	return s.DB.PrepareBulkLoad(ctx, rows)
}
