package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/registre/registre/internal/sqldb"
)

const (
	// chunkPeople people make one transaction: with their organisations,
	// emails and phones, about 65,000 rows. Each commit rewrites every index
	// page it touched, and the indexes on names, dates and public ids take
	// rows in random order, so smaller transactions rewrite the same pages
	// more often: on SQLite, a 1,000,000-person load took 179 s with 6,000
	// people (20,000 rows) per transaction, 91 to 98 s with 20,000, and no
	// less with 50,000. A transaction holds the write lock for about 2 s.
	chunkPeople = 20000
	// SparseAbove is the size above which only one person in sparseEvery
	// gets activities, to keep large loads fast.
	SparseAbove = 20000
	sparseEvery = 20
)

// Options tunes Load.
type Options struct {
	People       int       // how many people to add
	Seed         uint64    // the same seed gives the same people
	Activities   bool      // add timeline activities (sparse above SparseAbove people)
	Progress     io.Writer // where to draw a progress bar; nil for none
	OwnerUserIDs []int64   // owners given round-robin; none when empty
	Now          time.Time // end of the generated time span; zero means now
}

// Stats counts what Load inserted.
type Stats struct {
	People, Organisations, Emails, Phones, Activities int
	Elapsed                                           time.Duration
}

// plan is where a load starts and what it adds.
type plan struct {
	ws         any // the workspace id, boxed once
	first, end int64
	orgBase    int64
	owners     []int64
	activities bool
	sparse     bool
}

// Load generates opt.People people, about one organisation per
// PeoplePerOrganisation people, and optionally activities, and inserts them
// into the workspace with multi-row statements, one transaction per
// 20,000 people (about 65,000 rows). It adds to what the workspace holds: indexes
// continue after its people, its email addresses are kept free, and public
// ids are derived from the database's state as well as the seed. It writes
// no audit entries; the caller records the run.
func Load(ctx context.Context, db *sqldb.DB, workspaceID int64, opt Options) (Stats, error) {
	start := time.Now()
	if opt.People < 0 {
		return Stats{}, errors.New("demo: the number of people cannot be negative")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	g := NewGenerator(opt.Seed, opt.Now)
	pl, err := prepare(ctx, db, workspaceID, opt, g)
	if err != nil {
		return Stats{}, err
	}
	restore, err := db.PrepareBulkLoad(ctx, int64(opt.People))
	if err != nil {
		return Stats{}, err
	}
	defer restore()
	bar := newProgress(opt.Progress, opt.People)
	st, err := run(ctx, db, g, pl, bar)
	if err == nil {
		err = updateOrgInteractions(ctx, db, workspaceID, st.orgIDs)
	}
	if err == nil && opt.People >= SparseAbove {
		// Plans chosen on the sizes before the load would be poor ones.
		err = db.Analyze(ctx)
	}
	bar.finish()
	st.Stats.Elapsed = time.Since(start)
	return st.Stats, err
}

// prepare reads the workspace's state: the number of its people sets the
// first index, and its highest ids key the public ids. Rows left from an
// earlier load raise one of these maxima, so a later load with the same
// seed never repeats their ids. The addresses in use are reserved.
func prepare(ctx context.Context, db *sqldb.DB, ws int64, opt Options, g *Generator) (plan, error) {
	var exists int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM workspaces WHERE id = $1`, ws).Scan(&exists); err != nil {
		return plan{}, fmt.Errorf("demo: read workspace: %w", err)
	}
	if exists == 0 {
		return plan{}, fmt.Errorf("demo: workspace %d does not exist", ws)
	}
	var count, maxPerson, maxOrg int64
	if err := db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM people WHERE workspace_id = $1`, ws).
		Scan(&count, &maxPerson); err != nil {
		return plan{}, fmt.Errorf("demo: count people: %w", err)
	}
	if err := db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM organisations WHERE workspace_id = $1`, ws).
		Scan(&maxOrg); err != nil {
		return plan{}, fmt.Errorf("demo: read organisations: %w", err)
	}
	// Public ids are unique across workspaces, hence the workspace id.
	g.idKey = mix(mix(mix(mix(opt.Seed)^uint64(ws))^uint64(maxPerson)) ^ uint64(maxOrg))
	if count > 0 {
		if err := reserveEmails(ctx, db, ws, g); err != nil {
			return plan{}, err
		}
	}
	g.orgBase = newestOrg(count)
	return plan{ws: ws, first: count, end: count + int64(opt.People), orgBase: g.orgBase,
		owners: opt.OwnerUserIDs, activities: opt.Activities, sparse: opt.People > SparseAbove}, nil
}

func reserveEmails(ctx context.Context, db *sqldb.DB, ws int64, g *Generator) error {
	rows, err := db.Query(ctx, `SELECT email_norm FROM person_emails WHERE workspace_id = $1`, ws)
	if err != nil {
		return fmt.Errorf("demo: read emails: %w", err)
	}
	defer rows.Close()
	var norm []byte
	for rows.Next() {
		if err := rows.Scan(&norm); err != nil {
			return fmt.Errorf("demo: read emails: %w", err)
		}
		g.reserve(string(norm))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("demo: read emails: %w", err)
	}
	return nil
}
