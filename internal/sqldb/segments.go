package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
)

// SegmentStore implements segment.Store.
type SegmentStore struct {
	DB *DB
	// LargePage is the size above which a segment's pages walk the name
	// index (0: 2,000); tests lower it.
	LargePage int
}

var _ segment.Store = SegmentStore{}

// retentionSetting is the workspace setting "retention" until the register
// of processing activities gives a period per processing.
type retentionSetting struct {
	ProspectYears int `json:"prospect_years"`
}

// Catalogue reads what a workspace's segments may refer to: purposes,
// custom fields, the retention period and the contact-rule settings.
func (s SegmentStore) Catalogue(ctx context.Context, workspaceID int64) (*segment.Catalogue, []crm.CustomField, error) {
	purposes, err := ConsentStore{DB: s.DB}.Purposes(ctx, workspaceID)
	if err != nil {
		return nil, nil, err
	}
	custom, err := CRMStore{DB: s.DB}.CustomFields(ctx, workspaceID)
	if err != nil {
		return nil, nil, err
	}
	ret := segment.DefaultRetention
	var rs retentionSetting
	if ok, err := readSetting(ctx, s.DB, workspaceID, "retention", &rs); err != nil {
		return nil, nil, err
	} else if ok && rs.ProspectYears > 0 {
		ret = segment.Retention{Years: rs.ProspectYears}
	}
	// The register of processing, when it declares one, decides.
	if r, ok, err := prospectRetention(ctx, s.DB, workspaceID); err != nil {
		return nil, nil, err
	} else if ok {
		ret = r
	}
	cfg, err := ConsentStore{DB: s.DB}.ContactSettings(ctx, workspaceID)
	if err != nil {
		return nil, nil, err
	}
	cat := segment.NewCatalogue(purposes, custom, ret)
	cat.Contact = cfg
	return cat, custom, nil
}

// Record writes an audit entry on its own.
func (s SegmentStore) Record(ctx context.Context, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error { return insertAudit(ctx, tx, e) })
}

const segmentColumns = `g.id, g.public_id, g.workspace_id, g.name, g.description, CAST(g.tree AS TEXT), CAST(g.columns AS TEXT), g.created_at, g.updated_at`

func scanSegment(row interface{ Scan(...any) error }) (*segment.Segment, error) {
	var g segment.Segment
	var tree, cols string
	var created, updated int64
	if err := row.Scan(&g.ID, &g.PublicID, &g.WorkspaceID, &g.Name, &g.Description, &tree, &cols, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tree), &g.Tree); err != nil {
		return nil, fmt.Errorf("segment %s: %w", g.PublicID, err)
	}
	_ = json.Unmarshal([]byte(cols), &g.Columns)
	g.CreatedAt, g.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &g, nil
}

func segmentJSON(g *segment.Segment) (string, string, error) {
	tree, err := json.Marshal(g.Tree)
	if err != nil {
		return "", "", err
	}
	cols := g.Columns
	if cols == nil {
		cols = []string{}
	}
	c, err := json.Marshal(cols)
	return string(tree), string(c), err
}

// Create saves a new segment.
func (s SegmentStore) Create(ctx context.Context, g *segment.Segment, e audit.Entry) error {
	tree, cols, err := segmentJSON(g)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO segments (public_id, workspace_id, name, description, tree, columns, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, g.PublicID, g.WorkspaceID, g.Name, g.Description, tree, cols,
			nullID(audit.ActorFrom(ctx).UserID), g.CreatedAt.UnixMicro(), g.UpdatedAt.UnixMicro()).Scan(&g.ID)
		if err != nil {
			return fmt.Errorf("create segment: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// Update saves a segment's name, description, tree and columns.
func (s SegmentStore) Update(ctx context.Context, g *segment.Segment, e audit.Entry) error {
	tree, cols, err := segmentJSON(g)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `UPDATE segments SET name = $3, description = $4, tree = $5, columns = $6, updated_at = $7
			WHERE workspace_id = $1 AND public_id = $2 RETURNING id`, g.WorkspaceID, g.PublicID, g.Name, g.Description, tree, cols,
			g.UpdatedAt.UnixMicro()).Scan(&g.ID)
		if err != nil {
			return notFound(err, "Segment")
		}
		return insertAudit(ctx, tx, e)
	})
}

// Delete deletes a segment.
func (s SegmentStore) Delete(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `DELETE FROM segments WHERE workspace_id = $1 AND public_id = $2 RETURNING id`,
			workspaceID, publicID).Scan(&id); err != nil {
			return notFound(err, "Segment")
		}
		return insertAudit(ctx, tx, e)
	})
}

// Get returns a segment of the workspace.
func (s SegmentStore) Get(ctx context.Context, workspaceID int64, publicID string) (*segment.Segment, error) {
	g, err := scanSegment(s.DB.QueryRow(ctx, `SELECT `+segmentColumns+` FROM segments g WHERE g.workspace_id = $1 AND g.public_id = $2`,
		workspaceID, publicID))
	return g, notFound(err, "Segment")
}

// List lists the workspace's segments by name.
func (s SegmentStore) List(ctx context.Context, workspaceID int64) ([]segment.Segment, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+segmentColumns+` FROM segments g WHERE g.workspace_id = $1 ORDER BY g.name, g.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	defer rows.Close()
	var out []segment.Segment
	for rows.Next() {
		g, err := scanSegment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// segmentWhere returns a builder holding the workspace and the tree's
// condition on people p.
func (s SegmentStore) segmentWhere(q segment.Query) (*builder, string, error) {
	b := &builder{}
	ws := b.arg(q.WorkspaceID)
	b.and("p.workspace_id = " + ws)
	cond, err := compileSegment(b, s.DB.Engine, q.Cat, q.Tree, q.At, ws)
	if err != nil {
		return nil, "", err
	}
	b.and(cond)
	return b, ws, nil
}

// CountSQL returns the count query of q, for tests and EXPLAIN.
func (s SegmentStore) CountSQL(q segment.Query) (string, []any, error) {
	b, _, err := s.segmentWhere(q)
	if err != nil {
		return "", nil, err
	}
	return `SELECT COUNT(*) FROM people p` + b.whereSQL(), b.args, nil
}

// Count counts the people q selects.
func (s SegmentStore) Count(ctx context.Context, q segment.Query) (int, error) {
	text, args, err := s.CountSQL(q)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.DB.QueryRow(ctx, text, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count segment: %w", err)
	}
	return n, nil
}

// CountB2C counts the consumers among the people q selects.
func (s SegmentStore) CountB2C(ctx context.Context, q segment.Query) (int, error) {
	b, _, err := s.segmentWhere(q)
	if err != nil {
		return 0, err
	}
	b.and("p.audience = " + b.arg(string(crm.B2C)))
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM people p`+b.whereSQL(), b.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count segment: %w", err)
	}
	return n, nil
}

// Page returns people of q sorted by name (keyset on sort_key, id; the
// cursor is a public id), with the chosen columns; the read is audited.
func (s SegmentStore) Page(ctx context.Context, q segment.Query, columns []string, after string, limit int, e audit.Entry) (*segment.Page, error) {
	b, _, err := s.segmentWhere(q)
	if err != nil {
		return nil, err
	}
	if after != "" {
		key, id, err := CRMStore{DB: s.DB}.cursorKey(ctx, q.WorkspaceID, peopleSorts[crm.SortName], after)
		if err != nil {
			return nil, err
		}
		b.and("(p.sort_key, p.id) > (" + b.arg(key) + ", " + b.arg(id) + ")")
	}
	exprs, cols, err := selectColumns(b, s.DB.Engine, q.Cat, columns)
	if err != nil {
		return nil, err
	}
	// A large segment's page is cheapest read by walking the name index and
	// keeping the first matches; both planners tend to read every match
	// and sort them instead (PostgreSQL has no statistics for the mask
	// tests and expects a handful of rows). A count capped at 2,001
	// decides: above it, SQLite is told the index (INDEXED BY) and
	// PostgreSQL is told not to sort, for this query only (BENCHMARKS.md).
	cb, _, err := s.segmentWhere(q)
	if err != nil {
		return nil, err
	}
	large := s.LargePage
	if large <= 0 {
		large = 2000
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM people p`+cb.whereSQL()+` LIMIT `+cb.arg(large+1)+`) c`, cb.args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("segment page: %w", err)
	}
	many := n > large
	from := ` FROM people p`
	if many && s.DB.Engine == SQLite {
		from += ` INDEXED BY people_sort`
	}
	text := `SELECT p.public_id, ` + join(exprs, ", ") + from + ` LEFT JOIN organisations o ON o.id = p.organisation_id` +
		b.whereSQL() + ` ORDER BY p.sort_key, p.id LIMIT ` + b.arg(limit+1)
	page := &segment.Page{}
	for _, k := range columns {
		c, _ := q.Cat.Column(k)
		page.Columns = append(page.Columns, c)
	}
	read := func(q querier) error {
		page.Rows = nil
		rows, err := q.Query(ctx, text, b.args...)
		if err != nil {
			return fmt.Errorf("segment page: %w", err)
		}
		defer rows.Close()
		return scanRows(rows, cols, func(r segment.Row) error {
			page.Rows = append(page.Rows, r)
			return nil
		})
	}
	if many && s.DB.Engine == Postgres {
		err = s.DB.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_sort = off`); err != nil {
				return err
			}
			return read(tx)
		})
	} else {
		err = read(s.DB)
	}
	if err != nil {
		return nil, err
	}
	if len(page.Rows) > limit {
		page.Rows, page.HasNext = page.Rows[:limit], true
		page.Next = page.Rows[limit-1].PublicID
	}
	e.Detail["people"] = len(page.Rows)
	if err := s.Record(ctx, e); err != nil {
		return nil, err
	}
	return page, nil
}

func scanRows(rows *sql.Rows, cols []segColumn, fn func(segment.Row) error) error {
	raw := make([]any, len(cols)+1)
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		r := segment.Row{PublicID: formatValue("text", raw[0]), Values: make([]string, len(cols))}
		for i, c := range cols {
			r.Values[i] = formatValue(c.kind, raw[i+1])
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Stream passes every person of q to fn in id order, reading in chunks
// of 5,000 (keyset on id) so that no read holds a snapshot for the whole
// export and memory stays flat.
func (s SegmentStore) Stream(ctx context.Context, q segment.Query, columns []string, fn func(segment.Row) error) (int, error) {
	n := 0
	var last int64
	for {
		b, _, err := s.segmentWhere(q)
		if err != nil {
			return n, err
		}
		b.and("p.id > " + b.arg(last))
		exprs, cols, err := selectColumns(b, s.DB.Engine, q.Cat, columns)
		if err != nil {
			return n, err
		}
		text := `SELECT p.id, p.public_id, ` + join(exprs, ", ") + ` FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id` +
			b.whereSQL() + ` ORDER BY p.id LIMIT 5000`
		rows, err := s.DB.Query(ctx, text, b.args...)
		if err != nil {
			return n, fmt.Errorf("export segment: %w", err)
		}
		got := 0
		raw := make([]any, len(cols)+2)
		ptrs := make([]any, len(raw))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return n, err
			}
			last, _ = raw[0].(int64)
			r := segment.Row{PublicID: formatValue("text", raw[1]), Values: make([]string, len(cols))}
			for i, c := range cols {
				r.Values[i] = formatValue(c.kind, raw[i+2])
			}
			if err := fn(r); err != nil {
				rows.Close()
				return n, err
			}
			n++
			got++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		if got < 5000 {
			return n, nil
		}
	}
}

// prospectRetention is the shortest period after the last interaction
// that an active entry of the register sets for prospects' data (the CNIL
// reference: three years); ok is false when no entry sets one.
func prospectRetention(ctx context.Context, db *DB, workspaceID int64) (segment.Retention, bool, error) {
	entries, err := RegisterStore{DB: db}.Entries(ctx, workspaceID)
	if err != nil {
		return segment.Retention{}, false, err
	}
	var best segment.Retention
	found := false
	now := time.Now()
	for _, e := range entries {
		if e.Status != register.Active {
			continue
		}
		for _, r := range e.Activity.Retention {
			if r.Subjects != register.Prospects || r.Start != register.FromLastInteraction || r.Period.Count <= 0 {
				continue
			}
			var cand segment.Retention
			switch r.Period.Unit {
			case register.Days:
				cand.Days = r.Period.Count
			case register.Months:
				cand.Months = r.Period.Count
			default:
				cand.Years = r.Period.Count
			}
			if !found || cand.Back(now).After(best.Back(now)) {
				best, found = cand, true
			}
		}
	}
	return best, found, nil
}
