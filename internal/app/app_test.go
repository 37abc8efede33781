package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

const password = "correct horse battery"

// started is a running app with one workspace and one user of each given
// role, named role@example.com.
type started struct {
	app *app.App
	srv *httptest.Server
	ws  *workspace.Workspace
}

func start(t *testing.T, db *sqldb.DB, slug string, roles ...auth.Role) *started {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
	a, err := app.New(ctx, db, app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ws := &workspace.Workspace{Slug: slug, Name: "Workspace " + slug}
	if err := (sqldb.WorkspaceStore{DB: db}).Create(ctx, ws); err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		u, err := a.Auth.CreateUser(ctx, string(r)+"@"+slug+".example", "User "+string(r), password, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.AddMember(ctx, u.ID, ws.ID, r, false); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &started{app: a, srv: srv, ws: ws}
}
