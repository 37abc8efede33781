package sqldb

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// dialect holds what differs between the engines outside the migrations.
type dialect interface {
	rebind(query string) string
	retryable(err error) bool
	// forUpdate locks the rows a SELECT reads until the transaction ends
	// (PostgreSQL); SQLite's single writer needs no lock.
	forUpdate() string
}

type postgresDialect struct{}

func (postgresDialect) rebind(q string) string { return q }

func (postgresDialect) forUpdate() string { return " FOR UPDATE" }

func (postgresDialect) retryable(err error) bool {
	switch pgCode(err) {
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return true
	}
	return false
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

type sqliteDialect struct{}

func (sqliteDialect) forUpdate() string { return "" }

// rebind turns $N into ?N. SQLite reads "$1" as a named parameter numbered by
// first appearance, which would silently swap arguments in a query that
// mentions $2 before $1; "?1" is numbered explicitly. The SQL texts never put
// a '$' inside a string literal, so a plain scan is enough.
func (sqliteDialect) rebind(q string) string {
	if strings.IndexByte(q, '$') < 0 {
		return q
	}
	b := []byte(q)
	for i := 0; i < len(b)-1; i++ {
		if b[i] == '$' && b[i+1] >= '0' && b[i+1] <= '9' {
			b[i] = '?'
		}
	}
	return string(b)
}

func (sqliteDialect) retryable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}
