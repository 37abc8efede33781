// Package sqldbtest opens fresh, migrated databases for tests: a SQLite file
// in the test's temporary folder and a PostgreSQL schema of its own, dropped
// when the test ends. Each runs in parallel with the other tests.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/registre/registre/internal/sqldb"
)

// DefaultPostgresURL is the test server used when REGISTRE_TEST_POSTGRES is
// unset: the local server that development machines and CI run.
const DefaultPostgresURL = "postgres://root@127.0.0.1:5432/test?sslmode=disable"

var (
	pgOnce      sync.Once
	pgReachable error
)

// PostgresURL returns the test server's URL (REGISTRE_TEST_POSTGRES, or
// DefaultPostgresURL). When the server cannot be reached the PostgreSQL half
// of a test is skipped, except in CI (CI=true), where it fails the test.
func PostgresURL(t testing.TB) string {
	u := os.Getenv("REGISTRE_TEST_POSTGRES")
	if u == "" {
		u = DefaultPostgresURL
	}
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", u)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
		}
		pgReachable = err
	})
	if pgReachable != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s: %v (CI must test PostgreSQL)", u, pgReachable)
		}
		t.Skipf("PostgreSQL is not reachable: %v", pgReachable)
	}
	return u
}

// Each runs fn once per engine, as subtests named "sqlite" and "postgres",
// each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, engine))
		})
	}
}

// Open returns a fresh migrated database of the given engine, closed (and on
// PostgreSQL dropped) when the test ends.
func Open(t testing.TB, engine sqldb.Engine) *sqldb.DB {
	t.Helper()
	dsn := DSN(t, engine)
	db, err := sqldb.Open(context.Background(), dsn, sqldb.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// DSN returns the address of a fresh, empty database of the given engine:
// a file path for SQLite, a URL whose search_path is a new schema for
// PostgreSQL. The schema is dropped when the test ends.
func DSN(t testing.TB, engine sqldb.Engine) string {
	t.Helper()
	if engine == sqldb.SQLite {
		return filepath.Join(t.TempDir(), "registre.db")
	}
	base := PostgresURL(t)
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
