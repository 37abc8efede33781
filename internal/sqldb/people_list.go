package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// sortSpec is the keyset of one sort order: an expression that an index
// covers, then the id as tie-breaker.
type sortSpec struct{ expr string }

var peopleSorts = map[crm.PeopleSort]sortSpec{
	crm.SortName:    {"p.sort_key"},
	crm.SortCreated: {"p.created_at"},
	// COALESCE puts people without an interaction first when ascending in
	// both engines (they disagree on where NULLs sort); an index on the same
	// expression keeps it fast.
	crm.SortLastInteraction: {"COALESCE(p.last_interaction_at, -1)"},
}

// peopleWhere builds the conditions of f. A name search comes back apart,
// as alternatives any of which a person must match.
func peopleWhere(workspaceID int64, f crm.PeopleFilter) (b *builder, names []string) {
	b = &builder{}
	ws := b.arg(workspaceID)
	b.and("p.workspace_id = " + ws)
	if f.Query != "" {
		names = searchCondition(b, ws, f.Query)
	}
	if f.Lifecycle != "" {
		b.and("p.lifecycle = " + b.arg(string(f.Lifecycle)))
	}
	if f.Audience != "" {
		b.and("p.audience = " + b.arg(string(f.Audience)))
	}
	if f.OrganisationID != 0 {
		b.and("p.organisation_id = " + b.arg(f.OrganisationID))
	}
	if f.OwnerUserID != 0 {
		b.and("p.owner_user_id = " + b.arg(f.OwnerUserID))
	}
	return b, names
}

// People returns one page of people in keyset order.
func (s CRMStore) People(ctx context.Context, workspaceID int64, f crm.PeopleFilter) (*crm.PeoplePage, error) {
	spec, ok := peopleSorts[f.Sort]
	if !ok {
		spec = peopleSorts[crm.SortName]
	}
	b, names := peopleWhere(workspaceID, f)
	backwards := f.Before != "" && f.After == ""
	cursor := f.After
	if backwards {
		cursor = f.Before
	}
	if cursor != "" {
		key, id, err := s.cursorKey(ctx, workspaceID, spec, cursor)
		if err != nil {
			return nil, err
		}
		op := ">"
		if f.Desc != backwards {
			op = "<"
		}
		b.and("(" + spec.expr + ", p.id) " + op + " (" + b.arg(key) + ", " + b.arg(id) + ")")
	}
	dir := "ASC"
	if f.Desc != backwards {
		dir = "DESC"
	}
	limit := b.arg(f.Limit + 1)
	order := ` ORDER BY ` + spec.expr + ` ` + dir + `, p.id ` + dir + ` LIMIT ` + limit
	q := `SELECT ` + personColumns + personFrom + b.whereSQL() + order
	if len(names) > 0 {
		// Each alternative yields its first page from an index; the page is
		// the first rows of their union.
		var branches []string
		for i, cond := range names {
			branches = append(branches, `SELECT id FROM (SELECT p.id FROM people p`+b.whereSQL()+` AND `+cond+order+`) b`+itoa(i))
		}
		q = `SELECT ` + personColumns + personFrom + ` WHERE p.id IN (` + strings.Join(branches, ` UNION `) + `)` + order
	}
	rows, err := s.DB.Query(ctx, q, b.args...)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	page := &crm.PeoplePage{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		page.People = append(page.People, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	more := len(page.People) > f.Limit
	if more {
		page.People = page.People[:f.Limit]
	}
	if backwards {
		reverse(page.People)
		page.HasPrev, page.HasNext = more, true
	} else {
		page.HasNext, page.HasPrev = more, cursor != ""
	}
	return page, nil
}

// cursorKey reads the sort key of the person a cursor names. The cursor is a
// public id, not the key itself, so that no name travels in a URL.
func (s CRMStore) cursorKey(ctx context.Context, workspaceID int64, spec sortSpec, publicID string) (any, int64, error) {
	var key any
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT `+spec.expr+`, p.id FROM people p WHERE p.workspace_id = $1 AND p.public_id = $2`,
		workspaceID, publicID).Scan(&key, &id)
	if err == sql.ErrNoRows {
		return nil, 0, &errs.Error{Code: errs.Invalid, Message: "The page cursor is not valid any more; start from the first page.",
			Fields: map[string]string{"cursor": "is not valid"}}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read cursor: %w", err)
	}
	if b, ok := key.([]byte); ok {
		key = string(b)
	}
	return key, id, nil
}

// CountPeople counts the people matching f, up to max+1 when max > 0.
func (s CRMStore) CountPeople(ctx context.Context, workspaceID int64, f crm.PeopleFilter, max int) (int, error) {
	b, names := peopleWhere(workspaceID, f)
	if len(names) > 0 {
		b.and("((" + strings.Join(names, ") OR (") + "))")
	}
	q := `SELECT COUNT(*) FROM people p` + b.whereSQL()
	if max > 0 {
		q = `SELECT COUNT(*) FROM (SELECT 1 FROM people p` + b.whereSQL() + ` LIMIT ` + b.arg(max+1) + `) capped`
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, b.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count people: %w", err)
	}
	return n, nil
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
