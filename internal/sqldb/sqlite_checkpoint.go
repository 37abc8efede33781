package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// checkpointEvery is how often a background checkpointer copies the
// write-ahead log into the database file: about a third of an import
// batch's time, so that each copy has a batch or less to do.
const checkpointEvery = 100 * time.Millisecond

// checkpointInBackground copies SQLite's write-ahead log into the database
// file from a connection of its own, every checkpointEvery, until the
// returned function is called (it waits for a copy under way).
//
// A bulk load calls it so that the copy runs on the other core instead of
// inside the writer's commits: at a million rows, commits took 6.6-7.4 s
// of a 35-39 s import, 1.8 s with the copies done beside them. The writer's
// own threshold (wal_autocheckpoint) stays the bound on the log's size:
// SQLite starts the log over only when a writer begins after a complete
// copy, which a copier running beside a writer that begins its next
// transaction at once rarely gives.
func (db *DB) checkpointInBackground(ctx context.Context) (stop func(), err error) {
	conn, err := sql.Open("sqlite3", strings.Replace(db.dsn, "_txlock=immediate", "_txlock=deferred", 1))
	if err != nil {
		return nil, fmt.Errorf("open the checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open the checkpointer: %w", err)
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		failed := false
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
			}
			// PASSIVE copies what no reader still needs and never waits:
			// the writer goes on meanwhile.
			var busy, frames, copied int64
			err := conn.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
			if err != nil && !failed {
				// Once: the writer's own threshold still copies the log.
				slog.Warn("sqlite: background checkpoint failed", "err", err)
				failed = true
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		conn.Close()
	}, nil
}
