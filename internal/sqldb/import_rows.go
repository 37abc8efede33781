package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// rowsParams caps the bound parameters of one multi-row statement: SQLite
// allows 32766 and PostgreSQL 65535.
const rowsParams = 32000

// multiRow gathers the rows of a multi-row INSERT, written as a few large
// statements rather than one per row (about 20 times faster on SQLite).
type multiRow struct {
	head   string // INSERT INTO t (cols) VALUES
	tail   string // after the VALUES (RETURNING …)
	width  int
	values []any
	// shared are the values of the first columns, the same for every row:
	// bound once per statement and referred to by each row ($1, $2…).
	shared []any
}

func newMultiRow(table, columns, tail string) *multiRow {
	return &multiRow{head: "INSERT INTO " + table + " (" + columns + ") VALUES ", tail: tail,
		width: strings.Count(columns, ",") + 1}
}

// withIDs is a multi-row INSERT's columns and tail: with bound, each row
// binds its id first (Tx.nextRowID) and nothing comes back; otherwise
// returning gives each row's id back.
func withIDs(columns, returning string, bound bool) (string, string) {
	if bound {
		return "id, " + columns, ""
	}
	return columns, returning
}

// newSharedMultiRow is a multi-row INSERT whose first columns take the
// same values, shared, in every row; add then takes the other columns.
// A row of the import's ledger events binds 7 values instead of 23.
func newSharedMultiRow(table, sharedColumns, columns, tail string, shared []any) *multiRow {
	m := newMultiRow(table, sharedColumns+", "+columns, tail)
	m.width -= len(shared)
	m.shared = shared
	return m
}

func (m *multiRow) add(row ...any) {
	if m.values == nil {
		m.grow(1)
	}
	m.values = append(m.values, row...)
}

// valueBuffers keeps the values of finished statements for the next
// ones: a batch of 10,000 people binds about 700,000 values, and making
// them anew each batch made a tenth of an import's garbage.
var valueBuffers sync.Pool

// grow makes room for n rows.
func (m *multiRow) grow(n int) {
	need := n * m.width
	if m.values == nil {
		if b, ok := valueBuffers.Get().(*[]any); ok {
			m.values = (*b)[:0]
		}
	}
	if cap(m.values)-len(m.values) < need {
		m.values = append(make([]any, 0, len(m.values)+need), m.values...)
	}
}

// release hands the values back for reuse; the rows are gone. A buffer in
// the pool is zero throughout (only its first len values were ever set),
// so that the strings it held can be collected.
func (m *multiRow) release() {
	if m.values == nil {
		return
	}
	clear(m.values)
	b := m.values[:0]
	m.values = nil
	valueBuffers.Put(&b)
}

func (m *multiRow) rows() int { return len(m.values) / m.width }

// statementText caches the text of each table's full-size statement, the
// one every large batch repeats, in each engine's placeholders. Other
// sizes are built each time (or prepared once, see prepare): one text per
// row count would grow the cache without bound (up to a thousand texts of
// tens of kilobytes per table).
var statementText sync.Map

type statementKey struct {
	head, tail string
	engine     Engine
}

func (m *multiRow) sql(db *DB, n int) string {
	if n != m.perStatement() {
		return db.dialect.rebind(sharedRowsSQL(m.head, m.tail, n, len(m.shared), m.width))
	}
	key := statementKey{m.head, m.tail, db.Engine}
	if q, ok := statementText.Load(key); ok {
		return q.(string)
	}
	q := db.dialect.rebind(sharedRowsSQL(m.head, m.tail, n, len(m.shared), m.width))
	statementText.Store(key, q)
	return q
}

func (m *multiRow) perStatement() int { return (rowsParams - len(m.shared)) / m.width }

// args returns the values of a statement of rows first to first+n: the
// shared ones, then the rows'.
func (m *multiRow) args(first, n int) []any {
	rows := m.values[first*m.width : (first+n)*m.width]
	if len(m.shared) == 0 {
		return rows
	}
	return append(append(make([]any, 0, len(m.shared)+len(rows)), m.shared...), rows...)
}

// preparedKey names a prepared statement (DB.stmts, DB.raw): a table's
// multi-row INSERT of a number of rows.
type preparedKey struct {
	head, tail string
	rows       int
}

func (m *multiRow) key(n int) preparedKey { return preparedKey{m.head, m.tail, n} }

// prepare readies the full-size statement on PostgreSQL's pool, outside
// any transaction: executed in one it is then not parsed again. SQLite's
// write transactions prepare theirs on their connection once (execRaw).
func (m *multiRow) prepare(ctx context.Context, db *DB) error {
	if db.Engine == SQLite {
		return nil
	}
	key := m.key(m.perStatement())
	if _, ok := db.stmts.Load(key); ok {
		return nil
	}
	st, err := db.write.PrepareContext(ctx, m.sql(db, m.perStatement()))
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	if _, loaded := db.stmts.LoadOrStore(key, st); loaded {
		st.Close()
	}
	return nil
}

// chunk returns how many of the rows left the next statement writes: as
// many as a statement holds or, on SQLite, the largest power of two of
// them. Each size's statement is prepared once on the connection: parsing
// the last, shorter statement of each batch anew (hundreds of rows,
// thousands of values) took a tenth of a SQLite import, and a text per row
// count would grow the cache without bound.
func (m *multiRow) chunk(tx *Tx, left int) int {
	if per := m.perStatement(); left >= per || tx.conn == nil {
		return min(per, left)
	}
	return 1 << (bits.Len(uint(left)) - 1)
}

// exec writes the rows; with scan, the statements' RETURNING rows go to it.
// The rows are forgotten once written.
func (m *multiRow) exec(ctx context.Context, tx *Tx, scan func(row interface{ Scan(...any) error }) error) error {
	defer m.release()
	for first := 0; first < m.rows(); {
		n := m.chunk(tx, m.rows()-first)
		var err error
		switch st, prepared := tx.db.stmts.Load(m.key(n)); {
		case tx.conn != nil:
			raw := rawStatement{m.key(n), func() string { return m.sql(tx.db, n) }}
			err = tx.execRaw(ctx, raw, [2][]any{m.shared, m.values[first*m.width : (first+n)*m.width]}, scan)
		case prepared:
			err = runStmt(ctx, tx.tx.StmtContext(ctx, st.(*sql.Stmt)), m.args(first, n), scan)
		default:
			err = tx.eachOnce(ctx, m.sql(tx.db, n), m.args(first, n), scan)
		}
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		first += n
	}
	return nil
}

// runStmt runs a prepared statement, handing each row it returns to scan
// (nil: no rows expected).
func runStmt(ctx context.Context, st *sql.Stmt, args []any, scan func(row interface{ Scan(...any) error }) error) error {
	if scan == nil {
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	return scanImportRows(rows, scan)
}

// cachedArgsMax is the most bound values a statement may have and still
// be kept by the SQLite driver's statement cache. Multi-row statements and
// long IN lists are prepared for one use: each distinct text would
// otherwise stay compiled (megabytes for a thousand-row INSERT) for the
// life of the connection.
const cachedArgsMax = 64

// eachOnce runs q (already rebound) in the transaction and hands each row
// it returns to scan (nil: no rows expected). On SQLite a statement with
// many values bypasses the driver's cache.
func (tx *Tx) eachOnce(ctx context.Context, q string, args []any, scan func(row interface{ Scan(...any) error }) error) error {
	if tx.db.Engine != SQLite || len(args) <= cachedArgsMax {
		if scan == nil {
			_, err := tx.tx.ExecContext(ctx, q, args...)
			return err
		}
		rows, err := tx.tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		return scanImportRows(rows, scan)
	}
	st, err := tx.tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer st.Close()
	return runStmt(ctx, st, args, scan)
}

func scanImportRows(rows *sql.Rows, scan func(row interface{ Scan(...any) error }) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// inList runs query once per slice of at most 900 keys, with "(…)" in
// place of the IN list's placeholders after the fixed args; SQLite's
// planner reads each key from the index. On SQLite's write transaction a
// slice of more than cachedArgsMax keys is padded to 900 with its last
// key (an IN list is a set) so that the statement, prepared once on the
// connection, serves every batch: preparing a new one each time took 3 %
// of a million-row import.
func inList[K any](ctx context.Context, tx *Tx, query string, fixed []any, keys []K,
	scan func(row interface{ Scan(...any) error }) error) error {
	const per = 900
	for first := 0; first < len(keys); first += per {
		part := keys[first:min(first+per, len(keys))]
		n := len(part)
		if tx.conn != nil && n > cachedArgsMax {
			n = per
		}
		args := make([]any, 0, len(fixed)+n)
		args = append(args, fixed...)
		for i := range n {
			args = append(args, part[min(i, len(part)-1)])
		}
		text := func() string {
			return tx.dialect.rebind(strings.Replace(query, "(…)", inPlaceholders(len(fixed), n), 1))
		}
		var err error
		if n == per && tx.conn != nil {
			err = tx.execRaw(ctx, rawStatement{preparedKey{head: query, tail: "IN", rows: n}, text}, [2][]any{args}, scan)
		} else {
			err = tx.eachOnce(ctx, text(), args, scan)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// inPlaceholders is "($after+1,…,$after+n)".
func inPlaceholders(after, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(after + i + 1))
	}
	b.WriteByte(')')
	return b.String()
}

// MultiRowSQL is an INSERT of n rows of width values each: head, then
// ($1,$2…),(…) numbered in order, then tail. Bulk loaders (imports, the
// demo generator) cache it per n.
func MultiRowSQL(head, tail string, n, width int) string {
	return sharedRowsSQL(head, tail, n, 0, width)
}

// sharedRowsSQL is MultiRowSQL whose rows each begin with the same shared
// placeholders $1…$shared, followed by width of their own.
func sharedRowsSQL(head, tail string, n, shared, width int) string {
	var b strings.Builder
	b.Grow(len(head) + n*(shared+width)*7 + len(tail))
	b.WriteString(head)
	p := shared + 1
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < shared+width; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			if c < shared {
				b.WriteString(strconv.Itoa(c + 1))
				continue
			}
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	b.WriteString(tail)
	return b.String()
}
