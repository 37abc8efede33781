package sqldb

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func openSQLiteForTest(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "registre.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func countRates(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM rate_counters`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func insertRate(ctx context.Context, tx *Tx, key string, scan func(row interface{ Scan(...any) error }) error) error {
	tail := ""
	if scan != nil {
		tail = " RETURNING key"
	}
	m := newMultiRow("rate_counters", "key, window_start, count", tail)
	m.add(key, int64(1), int64(1))
	return m.exec(ctx, tx, scan)
}

// withinSeconds fails the test if fn has not returned in time: a write
// connection that was never given back hangs every later write.
func withinSeconds(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still waiting after 10 s", what)
	}
}

// A write transaction whose context ends writes nothing, not even what
// the driver path (execRaw) runs after the end, and the connection goes on
// serving the next transaction.
func TestRawInsertAfterCancelWritesNothing(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := insertRate(ctx, tx, "before", nil); err != nil {
			return err
		}
		cancel()
		// database/sql used to roll back from its own goroutine here;
		// the next insert then ran outside any transaction.
		time.Sleep(50 * time.Millisecond)
		return insertRate(ctx, tx, "after", nil)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("InTx = %v, want context.Canceled", err)
	}
	if n := countRates(t, db); n != 0 {
		t.Fatalf("%d rows written by a cancelled transaction", n)
	}
	withinSeconds(t, "the next transaction", func() {
		if err := db.InTx(context.Background(), func(tx *Tx) error { return insertRate(context.Background(), tx, "next", nil) }); err != nil {
			t.Error(err)
		}
	})
	if n := countRates(t, db); n != 1 {
		t.Fatalf("%d rows after the next transaction, want 1", n)
	}
}

// A panic in a transaction, inside the driver path's row callback or
// anywhere else, goes up to the caller and gives the write connection
// back, rolled back: the next write does not wait for ever.
func TestWriteTxPanicGivesConnectionBack(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		fn   func(tx *Tx) error
	}{
		{"InCallback", func(tx *Tx) error {
			return insertRate(ctx, tx, "x", func(interface{ Scan(...any) error }) error { panic("callback") })
		}},
		{"InTransaction", func(tx *Tx) error {
			if err := insertRate(ctx, tx, "y", nil); err != nil {
				return err
			}
			panic("transaction")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withinSeconds(t, "the panicking transaction", func() {
				defer func() {
					if recover() == nil {
						t.Error("the panic did not reach the caller")
					}
				}()
				_ = db.InTx(ctx, tc.fn)
			})
			withinSeconds(t, "the next transaction", func() {
				if err := db.InTx(ctx, func(tx *Tx) error { return insertRate(ctx, tx, "next-"+tc.name, nil) }); err != nil {
					t.Error(err)
				}
			})
		})
	}
	if n := countRates(t, db); n != 2 {
		t.Fatalf("%d rows, want only the two that followed the panics", n)
	}
}

// TestInListPadsLongLists: on SQLite's write transaction a long IN list
// is padded with its last key to the size of the statement prepared once;
// each row still comes back once, and the missing keys do not.
func TestInListPadsLongLists(t *testing.T) {
	db := openSQLiteForTest(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *Tx) error {
		m := newMultiRow("rate_counters", "key, window_start, count", "")
		for i := range 1000 {
			m.add(fmt.Sprintf("k%04d", i), int64(1), int64(i))
		}
		return m.exec(ctx, tx, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, fmt.Sprintf("k%04d", i))
		}
		return out
	}
	tests := []struct {
		name string
		keys []string
		want int
	}{
		{"Short", keys(0, 10), 10},
		{"Padded", append(keys(0, 100), "missing-1", "missing-2"), 100},
		{"Duplicates", append(keys(0, 100), keys(50, 100)...), 100},
		{"TwoStatements", append(keys(0, 950), "missing-3"), 950},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			err := db.InTx(ctx, func(tx *Tx) error {
				// Destinations of the kinds callers use: a named string
				// type, int, bool (from an integer).
				type key string
				return inList(ctx, tx, `SELECT key, count, count >= 500 FROM rate_counters WHERE window_start = $1 AND key IN (…)`,
					[]any{int64(1)}, tt.keys, func(row interface{ Scan(...any) error }) error {
						var k key
						var n int
						var high bool
						if err := row.Scan(&k, &n, &high); err != nil {
							return err
						}
						if high != (n >= 500) {
							return fmt.Errorf("%s: count %d, high %v", k, n, high)
						}
						seen[string(k)]++
						return nil
					})
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != tt.want {
				t.Fatalf("%d rows, want %d", len(seen), tt.want)
			}
			for k, n := range seen {
				if n != 1 {
					t.Fatalf("%s came back %d times", k, n)
				}
			}
		})
	}
	db.raw.mu.Lock()
	defer db.raw.mu.Unlock()
	padded := 0
	for key := range db.raw.stmts {
		if key.tail == "IN" {
			padded++
		}
	}
	if padded != 1 {
		t.Fatalf("%d padded statements prepared, want 1", padded)
	}
}
