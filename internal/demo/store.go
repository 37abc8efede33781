package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/registre/registre/internal/sqldb"
)

// storer writes chunks, remembering the ids of the organisations, which
// people of later chunks may join.
type storer struct {
	db  *sqldb.DB
	pl  plan
	sql statements
	st  *runStats
	bar *progress
}

func (s *storer) store(ctx context.Context, c *chunk) error {
	var personIDs []int64
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := s.insertOrgs(ctx, tx, c); err != nil {
			return err
		}
		var err error
		if personIDs, err = s.insertPeople(ctx, tx, c); err != nil {
			return err
		}
		for _, t := range []*table{c.emails, c.phones, c.activities} {
			t.resolve(personIDs, s.orgID)
			if err := s.insert(ctx, tx, t, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.st.Organisations += c.orgs.rows()
	s.st.People += c.people.rows()
	s.st.Emails += c.emails.rows()
	s.st.Phones += c.phones.rows()
	s.st.Activities += c.activities.rows()
	return nil
}

func (s *storer) orgID(j int64) int64 { return s.st.orgIDs[j-s.pl.orgBase] }

func (s *storer) insertOrgs(ctx context.Context, tx *sqldb.Tx, c *chunk) error {
	// Ids are written in place by index, so that a retried transaction
	// overwrites those of the attempt that was rolled back.
	if n := int(c.lastOrg-s.pl.orgBase) + 1; n > len(s.st.orgIDs) {
		s.st.orgIDs = append(s.st.orgIDs, make([]int64, n-len(s.st.orgIDs))...)
	}
	return s.insert(ctx, tx, c.orgs, func(id int64, publicID []byte) error {
		j, ok := c.orgIndex[string(publicID)]
		if !ok {
			return fmt.Errorf("demo: unexpected organisation id returned")
		}
		s.st.orgIDs[j-s.pl.orgBase] = id
		return nil
	})
}

func (s *storer) insertPeople(ctx context.Context, tx *sqldb.Tx, c *chunk) ([]int64, error) {
	c.people.resolve(nil, s.orgID)
	ids := make([]int64, c.nPeople)
	err := s.insert(ctx, tx, c.people, func(id int64, publicID []byte) error {
		pos, ok := c.personPos[string(publicID)]
		if !ok {
			return fmt.Errorf("demo: unexpected person id returned")
		}
		ids[pos] = id
		return nil
	})
	return ids, err
}

// insert runs t's rows in statements of at most maxParams values; when
// returned is set, the statements return (id, public_id) pairs to it. The
// pairs are matched by public id: PostgreSQL does not promise to return
// them in the order of the VALUES.
func (s *storer) insert(ctx context.Context, tx *sqldb.Tx, t *table, returned func(int64, []byte) error) error {
	per := t.batchRows()
	for first := 0; first < t.rows(); first += per {
		n := min(per, t.rows()-first)
		q, args := s.sql.sql(t, n), t.values[first*t.width:(first+n)*t.width]
		if returned == nil {
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return fmt.Errorf("demo: insert: %w", err)
			}
			continue
		}
		if err := queryIDs(ctx, tx, q, args, returned); err != nil {
			return err
		}
		if t.people {
			// The bar moves with the people of the transaction, which take
			// most of its time, rather than once a commit.
			s.bar.update(s.st.People + first + n)
		}
	}
	return nil
}

func queryIDs(ctx context.Context, tx *sqldb.Tx, q string, args []any, returned func(int64, []byte) error) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("demo: insert: %w", err)
	}
	defer rows.Close()
	var id int64
	var publicID sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&id, &publicID); err != nil {
			return fmt.Errorf("demo: read ids: %w", err)
		}
		if err := returned(id, publicID); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("demo: insert: %w", err)
	}
	return nil
}

// updateOrgInteractions sets each new organisation's last interaction to
// the latest of its people's, as adding their activities would have.
func updateOrgInteractions(ctx context.Context, db *sqldb.DB, ws int64, ids []int64) error {
	const per = 1000
	for first := 0; first < len(ids); first += 20 * per {
		last := min(first+20*per, len(ids))
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for k := first; k < last; k += per {
				if err := updateOrgBatch(ctx, tx, ws, ids[k:min(k+per, last)]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func updateOrgBatch(ctx context.Context, tx *sqldb.Tx, ws int64, ids []int64) error {
	b := make([]byte, 0, 8*len(ids))
	args := make([]any, 0, len(ids)+1)
	args = append(args, ws)
	for k, id := range ids {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(k+2), 10)
		args = append(args, id)
	}
	_, err := tx.Exec(ctx, `UPDATE organisations SET last_interaction_at = (SELECT MAX(p.last_interaction_at)
		FROM people p WHERE p.organisation_id = organisations.id) WHERE workspace_id = $1 AND id IN (`+string(b)+`)`, args...)
	if err != nil {
		return fmt.Errorf("demo: update organisations: %w", err)
	}
	return nil
}
