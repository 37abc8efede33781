package main

import (
	"context"
	"fmt"
	"io"

	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

const (
	demoSlug   = "demo"
	demoEmail  = "demo@registre.example"
	demoPeople = 400
)

type demoLogin struct{ email, password string }

// setUpDemo creates the demo workspace, its admin and a few hundred people
// the first time, and on every start gives the admin a new random password,
// printed once: a demo must be usable at once, and a fixed password would
// be known to anyone who reads this file.
func setUpDemo(ctx context.Context, a *app.App) (*demoLogin, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Kind: audit.ActorCLI})
	ws, err := sqldb.WorkspaceStore{DB: a.DB}.BySlug(ctx, demoSlug)
	fresh := errs.Is(err, errs.NotFound)
	if fresh {
		ws = &workspace.Workspace{Slug: demoSlug, Name: "Démo — Atelier Martin SARL", Locale: "fr"}
		err = sqldb.WorkspaceStore{DB: a.DB}.Create(ctx, ws)
	}
	if err != nil {
		return nil, err
	}
	password := auth.NewSecret(10)
	users := sqldb.AuthStore{DB: a.DB}
	u, _, err := users.UserByEmail(ctx, demoEmail)
	if errs.Is(err, errs.NotFound) {
		u, err = a.Auth.CreateUser(ctx, demoEmail, "Camille Demo", password, "fr")
	} else if err == nil {
		err = a.Auth.SetPassword(ctx, u.ID, password)
	}
	if err != nil {
		return nil, err
	}
	if err := a.Auth.AddMember(ctx, u.ID, ws.ID, auth.RoleAdmin, true); err != nil {
		return nil, err
	}
	if fresh {
		stats, err := demo.Load(ctx, a.DB, ws.ID, demo.Options{People: demoPeople, Seed: 1, Activities: true, OwnerUserIDs: []int64{u.ID}, Progress: io.Discard})
		if err != nil {
			return nil, err
		}
		fmt.Printf("Demo workspace %q created with %d people.\n", ws.Slug, stats.People)
		// The register's common sheet, so that notices render once the
		// templates are adopted (left to the visitor: one click).
		if _, err := a.Register.SetOrganisation(ctx, ws.ID, register.Organisation{ControllerName: "Atelier Martin SARL",
			ControllerAddress: "12 rue des Tanneurs, 69001 Lyon", ControllerEmail: "rgpd@atelier-martin.example",
			Processors: []register.Processor{}}); err != nil {
			return nil, err
		}
	}
	return &demoLogin{email: demoEmail, password: password}, nil
}
