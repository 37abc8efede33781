package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
	"golang.org/x/term"
)

// cliContext marks changes made from the command line in the audit log.
func cliContext(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Kind: audit.ActorCLI})
}

func runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	database, err := sqldb.Open(ctx, db.dsn(), sqldb.Options{})
	if err != nil {
		return err
	}
	defer database.Close()
	applied, err := database.Migrate(ctx)
	for _, name := range applied {
		fmt.Println("applied", name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Println("the database is up to date")
	}
	return err
}

func runWorkspaceCreate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("workspace create", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("slug", "", "short name used on the command line, e.g. acme")
	name := fs.String("name", "", "the company's name")
	locale := fs.String("locale", "fr", "default language: fr or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	database, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close()
	w := &workspace.Workspace{Slug: *slug, Name: *name, Locale: *locale}
	if err := (sqldb.WorkspaceStore{DB: database}).Create(cliContext(ctx), w); err != nil {
		return describe(err)
	}
	fmt.Printf("workspace %s created\n", w.Slug)
	return nil
}

func runUserCreate(ctx context.Context, args []string, stdin *os.File) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	email := fs.String("email", "", "the user's email, used to log in")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "sales", "admin, marketer, sales or readonly")
	dpo := fs.Bool("dpo", false, "the user is the data protection officer")
	locale := fs.String("locale", "fr", "interface language: fr or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !auth.Role(*role).Valid() {
		return usageError{"--role must be admin, marketer, sales or readonly"}
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	svc := auth.NewService(sqldb.AuthStore{DB: database})
	_, norm, problem := crm.NormalizeEmail(*email)
	if problem != "" {
		return usageError{"--email " + problem}
	}
	u, _, err := sqldb.AuthStore{DB: database}.UserByEmail(ctx, norm)
	if errs.Is(err, errs.NotFound) {
		password, perr := readPassword(stdin)
		if perr != nil {
			return perr
		}
		u, err = svc.CreateUser(ctx, *email, *name, password, *locale)
	}
	if err != nil {
		return describe(err)
	}
	if err := svc.AddMember(ctx, u.ID, ws.ID, auth.Role(*role), *dpo); err != nil {
		return describe(err)
	}
	fmt.Printf("%s is %s in workspace %s\n", u.Email, *role, ws.Slug)
	return nil
}

// readPassword asks on the terminal (twice), or reads one line from a pipe.
func readPassword(stdin *os.File) (string, error) {
	fd := int(stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(os.Stderr, "Password (at least 10 characters): ")
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(os.Stderr, "Again: ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", err
	}
	if string(first) != string(second) {
		return "", fmt.Errorf("the two passwords differ")
	}
	return string(first), nil
}

func runTokenCreate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	name := fs.String("name", "", "what the token is for")
	role := fs.String("role", "readonly", "admin, marketer, sales or readonly")
	days := fs.Int("days", 0, "expire after this many days (0: never)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *days < 0 || *days > 3650 {
		return usageError{"--days must be between 0 (never) and 3650"}
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	svc := auth.NewService(sqldb.AuthStore{DB: database})
	_, secret, err := svc.CreateToken(ctx, ws.ID, 0, *name, auth.Role(*role), time.Duration(*days)*24*time.Hour)
	if err != nil {
		return describe(err)
	}
	fmt.Println(secret)
	return nil
}

// describe turns a validation error into a message that names each field.
func describe(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for k, v := range e.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", k, v)
	}
	return fmt.Errorf("%s", b.String())
}
