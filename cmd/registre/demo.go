package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/sqldb"
)

func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	people := fs.Int("people", 1000, "how many people to generate")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same people")
	activities := fs.Bool("activities", true, "also generate timelines (sparse above 20,000 people)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *people <= 0 || *people > 10_000_000 {
		return usageError{"--people must be between 1 and 10000000"}
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	start := time.Now()
	stats, err := demo.Load(ctx, database, ws.ID, demo.Options{People: *people, Seed: *seed, Activities: *activities, Progress: os.Stderr})
	if err != nil {
		return err
	}
	e := audit.NewEntry(ctx, ws.ID, "demo.generate", "workspace", ws.PublicID, map[string]any{"people": stats.People})
	if err := (sqldb.AuditStore{DB: database}).Record(ctx, e); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Printf("generated %d people in %s (%.0f people/s)\n", stats.People, elapsed.Round(time.Millisecond),
		float64(stats.People)/elapsed.Seconds())
	return nil
}
