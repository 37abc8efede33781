package sqldb

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
	"time"
)

// walBacklog is how many WAL pages the writer leaves for the
// checkpointer before it checkpoints on its own (SQLite's default is
// 1,000): a safety net in case the checkpointer falls behind.
const walBacklog = 20000

// checkpointEvery is how often the checkpointer copies the WAL back into
// the database file.
const checkpointEvery = 100 * time.Millisecond

// checkpointer moves SQLite's WAL checkpoints off the writer. By default
// the connection that commits past 1,000 WAL pages copies them into the
// database file and syncs it before its commit returns: an import batch or
// a group of form submissions then waits for work that another core can
// do. A passive checkpoint on a connection of its own never blocks the
// writer or the readers.
type checkpointer struct {
	conn *sql.DB
	stop context.CancelFunc
	done sync.WaitGroup
}

func startCheckpointer(ctx context.Context, dsn string, write *sql.DB) (*checkpointer, error) {
	if _, err := write.ExecContext(ctx, "PRAGMA wal_autocheckpoint = "+strconv.Itoa(walBacklog)); err != nil {
		return nil, err
	}
	conn, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{conn: conn, stop: stop}
	c.done.Add(1)
	go c.run(ctx)
	return c, nil
}

func (c *checkpointer) run(ctx context.Context) {
	defer c.done.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A failure (the database busy or closing) is retried at the
			// next tick; the writer's own checkpoint is the backstop.
			_, _ = c.conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

func (c *checkpointer) close() error {
	c.stop()
	c.done.Wait()
	return c.conn.Close()
}
