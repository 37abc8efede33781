package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// rawStatements are the multi-row INSERTs prepared on SQLite's write
// connection and run through the driver itself. database/sql converts the
// values of every call into a new slice (an import binds about 70 values
// a person: gigabytes of garbage a million people) and takes its locks
// per call; the driver's statement takes the values as they are.
type rawStatements struct {
	mu    sync.Mutex
	conn  *sqlite3.SQLiteConn // the connection the statements belong to
	stmts map[preparedKey]*sqlite3.SQLiteStmt
	args  []driver.NamedValue // the values of the statement running
}

// stmtLocked returns the statement of key on conn, preparing text the
// first time.
func (r *rawStatements) stmtLocked(conn *sqlite3.SQLiteConn, key preparedKey, text func() string) (*sqlite3.SQLiteStmt, error) {
	if r.conn != conn {
		// The write connection was replaced: the old statements died
		// with it.
		r.closeLocked()
		r.conn, r.stmts = conn, map[preparedKey]*sqlite3.SQLiteStmt{}
	}
	if st, ok := r.stmts[key]; ok {
		return st, nil
	}
	st, err := conn.Prepare(text())
	if err != nil {
		return nil, fmt.Errorf("prepare insert: %w", err)
	}
	r.stmts[key] = st.(*sqlite3.SQLiteStmt)
	return r.stmts[key], nil
}

func (r *rawStatements) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closeLocked()
}

func (r *rawStatements) closeLocked() {
	for _, st := range r.stmts {
		_ = st.Close()
	}
	r.conn, r.stmts = nil, nil
}

// rawStatement names a statement execRaw prepares once on the connection
// (key) and gives its text the first time.
type rawStatement struct {
	key  preparedKey
	text func() string
}

// execRaw runs st with the values of args (in order) on the transaction's
// SQLite connection, handing each row it returns to scan (nil: no rows
// expected).
func (tx *Tx) execRaw(ctx context.Context, st rawStatement, args [2][]any,
	scan func(row interface{ Scan(...any) error }) error) error {
	// A panic must not unwind through Raw: database/sql would then close
	// the connection, and wait for the transaction that holds it — for
	// ever. It goes on once Raw has returned.
	var panicked any
	err := tx.conn.Raw(func(dc any) (err error) {
		defer func() {
			if p := recover(); p != nil {
				panicked, err = p, errRawPanic
			}
		}()
		return tx.rawRows(ctx, dc, st, args, scan)
	})
	if panicked != nil {
		panic(panicked)
	}
	return err
}

var errRawPanic = errors.New("raw statement: panic")

func (tx *Tx) rawRows(ctx context.Context, dc any, raw rawStatement, args [2][]any,
	scan func(row interface{ Scan(...any) error }) error) error {
	conn, ok := dc.(*sqlite3.SQLiteConn)
	if !ok {
		return fmt.Errorf("raw statement: a %T is not a SQLite connection", dc)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if conn.AutoCommit() {
		// No transaction is open on the connection: whatever ended it,
		// writing now would be committed on its own.
		return sql.ErrTxDone
	}
	r := &tx.db.raw
	// Held while the statement runs: its values live in r.args, and the
	// connection runs one statement at a time anyway.
	r.mu.Lock()
	defer r.mu.Unlock()
	st, err := r.stmtLocked(conn, raw.key, raw.text)
	if err != nil {
		return err
	}
	nv := r.args[:0]
	defer func() { clear(nv); r.args = nv[:0] }()
	for _, args := range args {
		for _, a := range args {
			v, err := driverValue(a)
			if err != nil {
				return fmt.Errorf("value %d: %w", len(nv)+1, err)
			}
			nv = append(nv, driver.NamedValue{Ordinal: len(nv) + 1, Value: v})
		}
	}
	// Through Query even when nothing comes back: the driver then binds
	// every value and takes the first step in one call to C, where Exec
	// makes a call per value (a million-row import binds tens of
	// millions) and a goroutine per statement.
	res, err := st.QueryContext(ctx, nv)
	if err != nil {
		return err
	}
	defer res.Close()
	row := make(rawRow, len(res.Columns()))
	for {
		err := res.Next(row)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if scan == nil {
			return fmt.Errorf("raw statement: a row came back from %.40s…", raw.text())
		}
		if err := scan(row); err != nil {
			return err
		}
	}
}

// driverValue is what database/sql would bind for v.
func driverValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case nil, string, int64, bool, float64, []byte, time.Time:
		return x, nil
	case int:
		return int64(x), nil
	}
	return driver.DefaultParameterConverter.ConvertValue(v)
}

// rawRow is a row the driver returned, scanned as database/sql would for
// the destinations our queries use: Scanners, and integers, strings,
// booleans and floats of any named type.
type rawRow []driver.Value

func (r rawRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(r))
	}
	for i, d := range dest {
		if err := scanRawValue(d, r[i]); err != nil {
			return fmt.Errorf("scan column %d: %w", i, err)
		}
	}
	return nil
}

func scanRawValue(dest any, v driver.Value) error {
	if sc, ok := dest.(sql.Scanner); ok {
		return sc.Scan(v)
	}
	if p, ok := dest.(*any); ok {
		*p = v
		return nil
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("cannot scan into %T", dest)
	}
	if v == nil {
		return fmt.Errorf("NULL cannot go into %T", dest)
	}
	e := rv.Elem()
	switch e.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch x := v.(type) {
		case int64:
			if e.OverflowInt(x) {
				return fmt.Errorf("%d overflows %T", x, dest)
			}
			e.SetInt(x)
			return nil
		}
	case reflect.String:
		switch x := v.(type) {
		case string:
			e.SetString(x)
			return nil
		case []byte:
			e.SetString(string(x))
			return nil
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			e.SetBool(x)
			return nil
		case int64:
			e.SetBool(x != 0)
			return nil
		}
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case float64:
			e.SetFloat(x)
			return nil
		case int64:
			e.SetFloat(float64(x))
			return nil
		}
	case reflect.Slice:
		if x, ok := v.([]byte); ok && e.Type().Elem().Kind() == reflect.Uint8 {
			e.SetBytes(append([]byte(nil), x...))
			return nil
		}
	}
	return fmt.Errorf("a %T cannot go into %T", v, dest)
}

// nextRowID returns the id SQLite would give the next row of table, on
// SQLite's write transaction only (ok is false elsewhere): one more than
// the largest, as SQLite does for an INTEGER PRIMARY KEY without
// AUTOINCREMENT (none of ours has it). Multi-row INSERTs that bind their
// ids from it need no RETURNING clause, whose rows SQLite keeps in a
// temporary table and hands back one call to C at a time: a tenth of a
// million-row import. The ids are the transaction's until it ends: it
// holds the database's only write lock.
func (tx *Tx) nextRowID(ctx context.Context, table string) (id int64, ok bool, err error) {
	if tx.conn == nil {
		return 0, false, nil
	}
	// table is one of ours, never input: this reads the last rowid.
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+table).Scan(&id); err != nil {
		return 0, false, fmt.Errorf("next id of %s: %w", table, err)
	}
	return id, true, nil
}
