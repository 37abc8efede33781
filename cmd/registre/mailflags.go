package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
)

// mailFlags are serve's settings for email and public forms.
type mailFlags struct {
	publicURL            string
	host                 string
	port                 int
	security             string
	user, password, helo string
	insecureSkipVerify   bool
	perIP, perForm       int
	minFill, maxFill     time.Duration
	trustProxy           bool
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func (f *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.publicURL, "public-url", envOr("REGISTRE_PUBLIC_URL", "http://127.0.0.1:8080"), "address people reach Registre at, for links in email (env REGISTRE_PUBLIC_URL)")
	fs.StringVar(&f.host, "smtp-host", os.Getenv("REGISTRE_SMTP_HOST"), "SMTP server; empty keeps email in the outbox (env REGISTRE_SMTP_HOST)")
	fs.IntVar(&f.port, "smtp-port", envInt("REGISTRE_SMTP_PORT", 587), "SMTP port (env REGISTRE_SMTP_PORT)")
	fs.StringVar(&f.security, "smtp-security", envOr("REGISTRE_SMTP_SECURITY", "starttls"), "starttls, tls (implicit, port 465) or none (env REGISTRE_SMTP_SECURITY)")
	fs.StringVar(&f.user, "smtp-user", os.Getenv("REGISTRE_SMTP_USER"), "SMTP user name (env REGISTRE_SMTP_USER)")
	fs.StringVar(&f.password, "smtp-password", envSecret("REGISTRE_SMTP_PASSWORD"), "SMTP password (env REGISTRE_SMTP_PASSWORD or REGISTRE_SMTP_PASSWORD_FILE)")
	fs.StringVar(&f.helo, "smtp-helo", os.Getenv("REGISTRE_SMTP_HELO"), "name given to the SMTP server (env REGISTRE_SMTP_HELO)")
	fs.BoolVar(&f.insecureSkipVerify, "smtp-insecure-skip-verify", os.Getenv("REGISTRE_SMTP_INSECURE_SKIP_VERIFY") == "true", "accept any TLS certificate (test servers only)")
	fs.IntVar(&f.perIP, "form-rate-ip", envInt("REGISTRE_FORM_RATE_IP", 10), "form submissions accepted per client address per minute (env REGISTRE_FORM_RATE_IP)")
	fs.IntVar(&f.perForm, "form-rate-form", envInt("REGISTRE_FORM_RATE_FORM", 600), "form submissions accepted per form per minute (env REGISTRE_FORM_RATE_FORM)")
	fs.DurationVar(&f.minFill, "form-min-fill", 2*time.Second, "a form submitted faster than this after the page was served is taken for a robot")
	fs.DurationVar(&f.maxFill, "form-max-fill", 12*time.Hour, "a form whose page is older than this, or has no start time (plain HTML embed), is shown back to be confirmed")
	fs.BoolVar(&f.trustProxy, "trust-proxy", os.Getenv("REGISTRE_TRUST_PROXY") == "true", "read the client address from X-Forwarded-For (behind a reverse proxy)")
}

// config checks the flags and returns the app's configuration.
func (f *mailFlags) config() (app.Config, error) {
	u, err := url.Parse(f.publicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return app.Config{}, fmt.Errorf("--public-url %q must be an http or https address without a path", f.publicURL)
	}
	cfg := app.Config{PublicURL: u.Scheme + "://" + u.Host, TrustProxy: f.trustProxy,
		FormLimits: forms.Limits{MinFillTime: f.minFill, MaxFillTime: f.maxFill, PerIP: f.perIP, PerForm: f.perForm}}
	if f.host != "" {
		cfg.SMTP = mail.Config{Host: f.host, Port: f.port, Security: mail.Security(f.security), Username: f.user,
			Password: f.password, HELO: f.helo, InsecureSkipVerify: f.insecureSkipVerify}
		if err := cfg.SMTP.Validate(); err != nil {
			return app.Config{}, err
		}
	}
	return cfg, nil
}
