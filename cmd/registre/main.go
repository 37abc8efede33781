// Command registre runs the Registre CRM: its web server and the commands
// that manage its data. Run "registre help" for the list.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // dates are shown in Europe/Paris even on hosts without zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Registre — a CRM where GDPR compliance is part of the data model.

Usage: registre <command> [flags]

Commands:
  serve            run the web interface and API (--demo for a ready-to-try workspace)
  migrate          apply database migrations
  workspace create create a workspace: --slug S --name N
  user create      create a user or give them a role: --workspace W --email E --role R
  token create     create an API token: --workspace W --name N --role R
  ledger verify    check the consent ledger's hash chain: --workspace W
  register export  export the register of processing activities: --workspace W --format csv|pdf [-o FILE]
  register adopt   adopt the CNIL templates in a workspace's register: --workspace W
  register processors  the operator's processor register (Art. 30(2)), one row per workspace [-o FILE]
  import people    import people from a CSV or XLSX file: FILE --source S --legal-basis B
  demo             generate people: --people N (deterministic; up to millions)
  version          print the version

Every command that touches data takes --data-dir DIR (SQLite, default ./data)
or --database postgres://… (or REGISTRE_DATABASE_URL). Run "registre <command> -h"
for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "registre:", err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "registre:", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return runServe(ctx, rest)
	case cmd == "migrate":
		return runMigrate(ctx, rest)
	case cmd == "workspace" && sub == "create":
		return runWorkspaceCreate(ctx, rest[1:])
	case cmd == "user" && sub == "create":
		return runUserCreate(ctx, rest[1:], os.Stdin)
	case cmd == "token" && sub == "create":
		return runTokenCreate(ctx, rest[1:])
	case cmd == "ledger" && sub == "verify":
		return runLedgerVerify(ctx, rest[1:])
	case cmd == "register" && sub == "export":
		return runRegisterExport(ctx, rest[1:])
	case cmd == "register" && sub == "adopt":
		return runRegisterAdopt(ctx, rest[1:])
	case cmd == "register" && sub == "processors":
		return runRegisterProcessors(ctx, rest[1:])
	case cmd == "import" && sub == "people":
		return runImportPeople(ctx, rest[1:])
	case cmd == "demo":
		return runDemo(ctx, rest)
	case cmd == "version" || cmd == "--version":
		fmt.Println("registre", version)
		return nil
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}
