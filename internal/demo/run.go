package demo

import (
	"context"

	"github.com/registre/registre/internal/sqldb"
)

// runStats is what a run inserted, with the ids of its organisations.
type runStats struct {
	Stats
	orgIDs []int64 // by organisation index - orgBase
}

// run generates chunks in one goroutine and stores them in this one, so
// that generation and the database each keep a core busy.
func run(ctx context.Context, db *sqldb.DB, g *Generator, pl plan, bar *progress) (runStats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 1)
	go produce(ctx, g, pl, chunks)
	st := runStats{}
	s := &storer{db: db, pl: pl, sql: statements{}, st: &st, bar: bar}
	for c := range chunks {
		if err := s.store(ctx, c); err != nil {
			cancel()
			for range chunks { // let the producer finish
			}
			return st, err
		}
	}
	return st, ctx.Err()
}

func produce(ctx context.Context, g *Generator, pl plan, out chan<- *chunk) {
	defer close(out)
	nextOrg := pl.orgBase
	for start := pl.first; start < pl.end; start += chunkPeople {
		end := min(start+chunkPeople, pl.end)
		c := newChunk(int(end - start))
		for ; nextOrg <= newestOrg(end-1); nextOrg++ {
			o := g.Organisation(nextOrg)
			o.OwnerUserID = owner(pl.owners, nextOrg)
			c.addOrg(o, pl.ws)
		}
		for i := start; i < end; i++ {
			p := g.Person(i)
			p.OwnerUserID = owner(pl.owners, i)
			c.addPerson(p, pl.ws)
			if pl.activities && (!pl.sparse || i%sparseEvery == 0) {
				c.addActivities(p, g.Activities(p), pl.ws)
			}
		}
		select {
		case out <- c:
		case <-ctx.Done():
			return
		}
	}
}

func owner(owners []int64, n int64) int64 {
	if len(owners) == 0 {
		return 0
	}
	return owners[n%int64(len(owners))]
}
