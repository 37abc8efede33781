package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

func benchPeople() int {
	if n, err := strconv.Atoi(os.Getenv("REGISTRE_BENCH_PEOPLE")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// dataset is a database holding a workspace "bench" of benchPeople() people.
type dataset struct {
	db *sqldb.DB
	ws *workspace.Workspace
}

var (
	datasetsMu sync.Mutex
	datasets   = map[sqldb.Engine]*dataset{}
)

// open returns the benchmark dataset of an engine, generating it the first
// time. It is shared by every benchmark of the run and never closed.
func open(b *testing.B, engine sqldb.Engine) *dataset {
	b.Helper()
	datasetsMu.Lock()
	defer datasetsMu.Unlock()
	if d, ok := datasets[engine]; ok {
		return d
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
	db, err := sqldb.Open(ctx, dsn(b, engine), sqldb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	ws, err := sqldb.WorkspaceStore{DB: db}.BySlug(ctx, "bench")
	if errs.Is(err, errs.NotFound) {
		ws = &workspace.Workspace{Slug: "bench", Name: "Benchmark"}
		err = sqldb.WorkspaceStore{DB: db}.Create(ctx, ws)
	}
	if err != nil {
		b.Fatal(err)
	}
	var have int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`, ws.ID).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if want := benchPeople(); have < want {
		b.Logf("%s: generating %d people (once; kept for later runs)", engine, want-have)
		start := time.Now()
		if _, err := demo.Load(ctx, db, ws.ID, demo.Options{People: want - have, Seed: 7, Activities: true, Progress: os.Stderr}); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: generated in %s", engine, time.Since(start).Round(time.Second))
	}
	d := &dataset{db: db, ws: ws}
	datasets[engine] = d
	return d
}

func dsn(b *testing.B, engine sqldb.Engine) string {
	n := benchPeople()
	if engine == sqldb.SQLite {
		if p := os.Getenv("REGISTRE_BENCH_SQLITE"); p != "" {
			return p
		}
		return filepath.Join(os.TempDir(), fmt.Sprintf("registre-bench-%d.db", n))
	}
	base := os.Getenv("REGISTRE_BENCH_POSTGRES")
	if base == "" {
		base = sqldbtest.PostgresURL(b)
	}
	schema := fmt.Sprintf("bench_%d", n)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA IF NOT EXISTS " + schema); err != nil {
		b.Skipf("PostgreSQL: %v", err)
	}
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// each runs fn as a sub-benchmark per engine.
func each(b *testing.B, fn func(b *testing.B, d *dataset)) {
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		b.Run(string(engine), func(b *testing.B) { fn(b, open(b, engine)) })
	}
}
