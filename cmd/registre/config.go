package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

// dbFlags are the flags every data command shares.
type dbFlags struct {
	dataDir  string
	database string
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", envOr("REGISTRE_DATA_DIR", "data"), "folder of the embedded SQLite database (env REGISTRE_DATA_DIR)")
	fs.StringVar(&f.database, "database", envSecret("REGISTRE_DATABASE_URL"), "PostgreSQL URL postgres://… instead of SQLite (env REGISTRE_DATABASE_URL or REGISTRE_DATABASE_URL_FILE)")
}

// dsn is the PostgreSQL URL if given, else the SQLite file in the data folder.
func (f *dbFlags) dsn() string {
	if f.database != "" {
		return f.database
	}
	return filepath.Join(f.dataDir, "registre.db")
}

// open opens and migrates the database.
func (f *dbFlags) open(ctx context.Context) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, f.dsn(), sqldb.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envSecret reads NAME, or the file named by NAME_FILE (for secrets mounted
// as files).
func envSecret(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if path := os.Getenv(name + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			// Falling back to the default database would be worse than
			// stopping: name the problem and stop.
			fmt.Fprintf(os.Stderr, "registre: %s_FILE: %v\n", name, err)
			os.Exit(1)
		}
		return string(trimNewline(b))
	}
	return ""
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// findWorkspace resolves --workspace: required when there are several.
func findWorkspace(ctx context.Context, db *sqldb.DB, slug string) (*workspace.Workspace, error) {
	store := sqldb.WorkspaceStore{DB: db}
	if slug != "" {
		w, err := store.BySlug(ctx, slug)
		if errs.Is(err, errs.NotFound) {
			return nil, fmt.Errorf("no workspace %q (create it with: registre workspace create --slug %s --name …)", slug, slug)
		}
		return w, err
	}
	all, err := store.List(ctx)
	if err != nil {
		return nil, err
	}
	switch len(all) {
	case 0:
		return nil, usageError{"there is no workspace yet: create one with registre workspace create --slug S --name N"}
	case 1:
		return &all[0], nil
	}
	return nil, usageError{"there are several workspaces: choose one with --workspace"}
}

// parse parses flags, turning -h into a clean exit and errors into usage
// errors.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// openWorkspace opens and migrates the database and resolves --workspace,
// for the commands that act on one workspace. The caller closes the
// database; the context it returns marks changes as the command line's.
func openWorkspace(ctx context.Context, db dbFlags, slug string) (context.Context, *sqldb.DB, *workspace.Workspace, error) {
	database, err := db.open(ctx)
	if err != nil {
		return ctx, nil, nil, err
	}
	ctx = cliContext(ctx)
	ws, err := findWorkspace(ctx, database, slug)
	if err != nil {
		database.Close()
		return ctx, nil, nil, err
	}
	return ctx, database, ws, nil
}
