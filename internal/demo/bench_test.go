package demo_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// BenchmarkLoad loads REGISTRE_DEMO_PEOPLE people (default 100,000) into a
// fresh database per engine and reports people and rows per second. Run it
// once per size:
//
//	REGISTRE_DEMO_PEOPLE=1000000 go test -run '^$' -bench 'Load/sqlite' -benchtime 1x ./internal/demo/
func BenchmarkLoad(b *testing.B) {
	people := 100_000
	if s := os.Getenv("REGISTRE_DEMO_PEOPLE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("REGISTRE_DEMO_PEOPLE: %v", err)
		}
		people = n
	}
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := sqldbtest.Open(b, engine)
			var st demo.Stats
			for i := 0; b.Loop(); i++ {
				ws := newWorkspace(b, db, "bench"+strconv.Itoa(i))
				var err error
				st, err = demo.Load(context.Background(), db, ws, demo.Options{People: people, Seed: 1,
					Activities: true, Progress: os.Stderr})
				if err != nil {
					b.Fatal(err)
				}
			}
			rows := st.People + st.Organisations + st.Emails + st.Phones + st.Activities
			b.ReportMetric(float64(st.People)/st.Elapsed.Seconds(), "people/s")
			b.ReportMetric(float64(rows)/st.Elapsed.Seconds(), "rows/s")
			b.ReportMetric(st.Elapsed.Seconds(), "s/load")
			if engine == sqldb.SQLite {
				var pages, size int64
				if db.QueryRow(context.Background(), "PRAGMA page_count").Scan(&pages) == nil &&
					db.QueryRow(context.Background(), "PRAGMA page_size").Scan(&size) == nil {
					b.Logf("database file: %d MB", pages*size>>20)
				}
			}
			b.Logf("%+v", st)
		})
	}
}
