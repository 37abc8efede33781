package bench

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver the product uses
)

// BenchmarkReferenceInsert repeats the measurement behind
// ../shared/STYLE.md's 41,000 rows/s, on whatever machine runs it: a
// million people, each with one consent event, four indexes, multi-row
// inserts in 20,000-row transactions, through database/sql and the cgo
// driver. It involves none of Registre's code. Machines of "this kind"
// differ by more than twofold from one session to the next, so the
// import's figures are only comparable next to this one, measured in the
// same run.
func BenchmarkReferenceInsert(b *testing.B) {
	const perTx, perStmt = 20_000, 100 // 700 and 600 values a statement
	n := max(benchPeople()/perTx, 1) * perTx
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "reference.db")
		db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		for _, q := range []string{
			`CREATE TABLE people (id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, email TEXT NOT NULL,
				first_name TEXT NOT NULL, last_name TEXT NOT NULL, city TEXT NOT NULL, created_at INTEGER NOT NULL)`,
			`CREATE UNIQUE INDEX people_email ON people (workspace_id, email)`,
			`CREATE INDEX people_name ON people (workspace_id, last_name, first_name)`,
			`CREATE INDEX people_created ON people (workspace_id, created_at)`,
			`CREATE INDEX people_city ON people (workspace_id, city)`,
			`CREATE TABLE consent_events (id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL,
				person_id INTEGER NOT NULL REFERENCES people (id), purpose TEXT NOT NULL, action TEXT NOT NULL,
				at INTEGER NOT NULL, hash BLOB NOT NULL)`,
		} {
			if _, err := db.Exec(q); err != nil {
				b.Fatal(err)
			}
		}
		people := "INSERT INTO people (id, workspace_id, email, first_name, last_name, city, created_at) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?),", perStmt), ",")
		events := "INSERT INTO consent_events (workspace_id, person_id, purpose, action, at, hash) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?),", perStmt), ",")
		now := time.Now().UnixMicro()
		start := time.Now()
		pv, ev := make([]any, 0, perStmt*7), make([]any, 0, perStmt*6)
		for first := 1; first <= n; first += perTx {
			tx, err := db.Begin()
			if err != nil {
				b.Fatal(err)
			}
			for s := first; s < first+perTx; s += perStmt {
				pv, ev = pv[:0], ev[:0]
				for i := s; i < s+perStmt; i++ {
					email := fmt.Sprintf("user%07d@example.com", i)
					h := sha256.Sum256([]byte(email))
					pv = append(pv, i, 1, email, "User", fmt.Sprintf("%07d", i), peerCities[i%10], now)
					ev = append(ev, 1, i, "newsletter", "grant", now, h[:])
				}
				if _, err := tx.Exec(people, pv...); err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(events, ev...); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
		db.Close()
	}
}
