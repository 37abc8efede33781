// Package sqldb implements Registre's storage on SQLite and PostgreSQL with
// one set of hand-written SQL texts. The few differences between the two
// engines live in Dialect and in the two migration folders.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/mattn/go-sqlite3"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open Registre database. On SQLite, reads use a pool and writes a
// single connection, so writers queue in Go instead of failing with
// "database is locked"; on PostgreSQL both are the same pool.
type DB struct {
	Engine  Engine
	read    *sql.DB
	write   *sql.DB
	dialect dialect
	// stmts holds statements prepared on the write pool, by
	// preparedKey: the large multi-row INSERTs of imports cost more to
	// parse than to run.
	stmts sync.Map
	raw   rawStatements // on SQLite, the same run through the driver
	// dsn opens SQLite's connections (a background checkpointer's too).
	dsn string
}

// Options tunes Open.
type Options struct {
	// MaxOpenConns caps the PostgreSQL pool (default 20).
	MaxOpenConns int
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL,
// or a path to a SQLite file (created if missing, with its folder). It does
// not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, opt)
	}
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && scheme != "sqlite" {
		// A mistyped URL must not quietly become a new SQLite file.
		return nil, fmt.Errorf("open database: %q is not a database URL this version knows (postgres://… or a SQLite file path)", scheme+"://")
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string, opt Options) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	n := opt.MaxOpenConns
	if n <= 0 {
		n = 20
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{Engine: Postgres, read: pool, write: pool, dialect: postgresDialect{}}, nil
}

// sqliteParams are set on every connection through the DSN, so that each
// pooled connection gets them (a PRAGMA run on the pool reaches only one).
// busy_timeout comes first: the others may need to wait for a lock.
const sqliteParams = "_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate&_cache_size=-32000&_stmt_cache_size=64"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqliteParams
	write, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// Readers begin DEFERRED: an IMMEDIATE transaction takes the write
	// lock, which a query-only connection may not.
	read, err := sql.Open("sqlite3", strings.Replace(dsn, "_txlock=immediate", "_txlock=deferred", 1)+"&_query_only=true")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	return &DB{Engine: SQLite, read: read, write: write, dialect: sqliteDialect{}, dsn: dsn}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	db.raw.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers; health checks call it.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Tx is a write transaction. Its query methods take SQL written with $1, $2…
// placeholders, which SQLite receives rewritten as ?1, ?2….
type Tx struct {
	db      *DB
	tx      *sql.Tx
	conn    *sql.Conn // SQLite's write connection, for execRaw
	dialect dialect
	after   []func()
}

// InTx runs fn in a write transaction, committing if fn returns nil. Functions
// registered with Tx.AfterCommit run after a successful commit.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.inTxOnce(ctx, fn)
		if err == nil || attempt >= 4 || !db.dialect.retryable(err) {
			return err
		}
		// Serialisation failures (PostgreSQL) and lock timeouts (SQLite) are
		// transient: the whole transaction is retried after a short pause.
		time.Sleep(time.Duration(10*(attempt+1)) * time.Millisecond)
	}
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *Tx) error) error {
	var conn *sql.Conn
	var sqlTx *sql.Tx
	var err error
	if db.Engine == SQLite {
		// The transaction keeps hold of the one write connection, whose
		// driver execRaw reaches. It begins without ctx's cancellation:
		// database/sql would roll back from a goroutine of its own when
		// ctx ends, while execRaw may be about to write on the connection
		// (then outside any transaction), and would throw the connection
		// away with the statements prepared on it. Statements still run
		// under ctx, and the error they return rolls back below.
		if conn, err = db.write.Conn(ctx); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer conn.Close()
		sqlTx, err = conn.BeginTx(context.WithoutCancel(ctx), nil)
	} else {
		sqlTx, err = db.write.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	finished := false
	defer func() {
		// fn panicked: the transaction, and the connection it holds
		// (SQLite's only writer), must be given back on the way up.
		if !finished {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{db: db, tx: sqlTx, conn: conn, dialect: db.dialect}
	err = fn(tx)
	finished = true
	if err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// ReadTx runs fn in a read-only transaction that sees one state of the
// database, for several reads that must agree (a person and their
// consent): REPEATABLE READ on PostgreSQL, whose default isolation gives
// each statement its own snapshot; on SQLite a deferred transaction on the
// read pool, which never waits for the writer.
func (db *DB) ReadTx(ctx context.Context, fn func(tx *Tx) error) error {
	var opts *sql.TxOptions
	if db.Engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	sqlTx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = sqlTx.Rollback() }()
	return fn(&Tx{db: db, tx: sqlTx, dialect: db.dialect})
}

// AfterCommit registers f to run once the transaction has committed.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.dialect.rebind(query), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.dialect.rebind(query), args...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.dialect.rebind(query), args...)
}

// Query runs a read-only query on the read pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.dialect.rebind(query), args...)
}

// QueryRow runs a read-only query returning at most one row on the read pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.dialect.rebind(query), args...)
}

// Exec runs one statement on the write pool, outside any transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, db.dialect.rebind(query), args...)
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return pgCode(err) == "23505"
}

// Analyze refreshes the query planner's statistics; bulk loads call it so
// that the first queries after them are planned on the new sizes.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, "ANALYZE")
	return err
}
