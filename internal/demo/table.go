package demo

import (
	"strconv"
	"strings"

	"github.com/registre/registre/internal/sqldb"
)

// maxParams caps the bound parameters of one statement: SQLite allows 32766
// and PostgreSQL 65535.
const maxParams = 32000

// ref is a value slot to fill with a database id once it is known: the id
// of the person at a position of the chunk, or of the organisation of an
// index.
type ref struct {
	slot int
	n    int64
}

// table gathers the rows of a multi-row INSERT. Values go in flat, row after
// row; ids that the database has not given yet are noted as refs.
type table struct {
	head       string // INSERT INTO name (columns) VALUES
	tail       string // after the VALUES, such as RETURNING
	width      int
	people     bool // rows are people, whose count the progress bar shows
	values     []any
	personRefs []ref
	orgRefs    []ref
}

func newTable(name, columns, tail string) *table {
	return &table{head: "INSERT INTO " + name + " (" + columns + ") VALUES ", tail: tail,
		width: strings.Count(columns, ",") + 1}
}

func (t *table) rows() int { return len(t.values) / t.width }

// add appends one row.
func (t *table) add(row ...any) { t.values = append(t.values, row...) }

// personRef marks the column col of the last row as the id of the person at
// position pos of the chunk.
func (t *table) personRef(col int, pos int) {
	t.personRefs = append(t.personRefs, ref{slot: len(t.values) - t.width + col, n: int64(pos)})
}

// orgRef marks the column col of the last row as the id of organisation j.
func (t *table) orgRef(col int, j int64) {
	t.orgRefs = append(t.orgRefs, ref{slot: len(t.values) - t.width + col, n: j})
}

// resolve writes the ids into the noted slots.
func (t *table) resolve(personIDs []int64, orgID func(int64) int64) {
	for _, r := range t.personRefs {
		t.values[r.slot] = personIDs[r.n]
	}
	for _, r := range t.orgRefs {
		t.values[r.slot] = orgID(r.n)
	}
}

// batchRows is how many rows one statement carries.
func (t *table) batchRows() int { return maxParams / t.width }

// statements caches the SQL text of a batch of n rows of each table, so that
// full batches, the common case, build it once.
type statements map[string]string

func (s statements) sql(t *table, n int) string {
	key := t.head + strconv.Itoa(n)
	if q, ok := s[key]; ok {
		return q
	}
	q := sqldb.MultiRowSQL(t.head, t.tail, n, t.width)
	s[key] = q
	return q
}
