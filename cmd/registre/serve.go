package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/registre/registre/internal/app"
)

func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	addr := fs.String("addr", envOr("REGISTRE_ADDR", "127.0.0.1:8080"), "address to listen on (env REGISTRE_ADDR)")
	demoMode := fs.Bool("demo", false, "create a demo workspace with generated people and print a login")
	secure := fs.Bool("secure-cookies", os.Getenv("REGISTRE_SECURE_COOKIES") == "true", "mark cookies Secure (behind TLS)")
	logJSON := fs.Bool("log-json", os.Getenv("REGISTRE_LOG_FORMAT") == "json", "write logs as JSON")
	var mf mailFlags
	mf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := mf.config()
	if err != nil {
		return usageError{err.Error()}
	}
	logger := newLogger(*logJSON)
	database, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close()
	importDir := os.Getenv("REGISTRE_IMPORT_DIR")
	if importDir == "" && db.database == "" {
		importDir = filepath.Join(db.dataDir, "imports")
	}
	cfg.SecureCookies, cfg.Logger, cfg.ImportDir = *secure, logger, importDir
	a, err := app.New(ctx, database, cfg)
	if err != nil {
		return err
	}
	if cfg.SMTP.Host == "" {
		logger.Warn("no SMTP server configured (REGISTRE_SMTP_HOST): email waits in the outbox")
	}
	// The background loops, bulk jobs and imports stop before the database
	// closes, each where it can resume from (the sender after recording its
	// round, a job or an import at its last committed batch), and also
	// when serve returns early.
	ctx, stop := context.WithCancel(ctx)
	wait := a.RunBackground(ctx)
	workers := make(chan struct{})
	go func() {
		defer close(workers)
		a.RunWorkers(ctx)
	}()
	defer func() {
		stop()
		a.Imports.Stop()
		wait()
		<-workers
	}()
	if err := a.ResumeImports(ctx); err != nil {
		return fmt.Errorf("resume imports: %w", err)
	}
	var login *demoLogin
	if *demoMode {
		if login, err = setUpDemo(ctx, a); err != nil {
			return fmt.Errorf("demo workspace: %w", err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	fmt.Printf("Registre %s is running at %s (%s)\n", version, url, database.Engine)
	if login != nil {
		fmt.Printf("Demo login: %s  password: %s\n", login.email, login.password)
	}
	return serveUntilDone(ctx, ln, a.Handler(), logger)
}

func newLogger(asJSON bool) *slog.Logger {
	if asJSON {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// serveUntilDone serves until ctx ends, then drains requests for up to ten
// seconds.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
