package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Security is how the SMTP connection is protected.
type Security string

// Security modes.
const (
	StartTLS Security = "starttls" // plain connection upgraded with STARTTLS (required)
	TLS      Security = "tls"      // implicit TLS from the first byte (port 465)
	NoTLS    Security = "none"     // no encryption (a local relay or a test server)
)

// Config is how to reach the SMTP server.
type Config struct {
	Host     string
	Port     int
	Security Security
	Username string
	Password string
	// HELO is the name given to the server; empty means the host name.
	HELO    string
	Timeout time.Duration
	// InsecureSkipVerify accepts any certificate (test servers only).
	InsecureSkipVerify bool
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.Host == "" {
		return errors.New("smtp: the host is empty")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("smtp: port %d is not a valid port", c.Port)
	}
	switch c.Security {
	case StartTLS, TLS, NoTLS:
	default:
		return fmt.Errorf("smtp: security %q must be starttls, tls or none", c.Security)
	}
	if (c.Username == "") != (c.Password == "") {
		return errors.New("smtp: give both a user name and a password, or neither")
	}
	return nil
}

// SMTP delivers messages to an SMTP server through go-mail.
type SMTP struct{ cfg Config }

// NewSMTP returns a transport for cfg, or the configuration's problem.
func NewSMTP(cfg Config) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg}, nil
}

// TemporaryError is a failure worth retrying (connection refused, 4xx).
type TemporaryError struct{ Err error }

func (e *TemporaryError) Error() string { return "temporary: " + e.Err.Error() }
func (e *TemporaryError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying.
func IsTemporary(err error) bool {
	var t *TemporaryError
	return errors.As(err, &t)
}

func (s *SMTP) client() (*gomail.Client, error) {
	// No NOOP before each message: a round's connection was just opened,
	// and a dead one fails the next command anyway (a temporary error,
	// retried). It was one round trip in six per message.
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout), gomail.WithoutNoop()}
	tlsConf := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: s.cfg.InsecureSkipVerify} //nolint:gosec // opt-in for test servers
	switch s.cfg.Security {
	case TLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tlsConf))
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tlsConf))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		// Over TLS, the strongest mechanism the server offers; without
		// encryption (a relay on the same host or network, by the
		// operator's choice of "none"), PLAIN, which go-mail otherwise
		// refuses to send in clear.
		mech := gomail.SMTPAuthAutoDiscover
		if s.cfg.Security == NoTLS {
			mech = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(mech),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// Send delivers messages over one connection and returns one error per
// message (nil when accepted). A failure to connect fails every message
// as temporary.
func (s *SMTP) Send(ctx context.Context, msgs []*Message) []error {
	out := make([]error, len(msgs))
	c, err := s.client()
	if err != nil {
		for i := range out {
			out[i] = err
		}
		return out
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		for i := range out {
			out[i] = &TemporaryError{Err: fmt.Errorf("connect to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)}
		}
		return out
	}
	defer c.CloseWithSMTPClient(conn)
	for i, m := range msgs {
		gm, err := build(m)
		if err != nil {
			out[i] = err
			continue
		}
		if err := c.SendWithSMTPClient(conn, gm); err != nil {
			out[i] = classify(err)
			_ = c.ResetWithSMTPClient(conn)
		}
	}
	return out
}

// classify marks a 5xx refusal permanent and anything else temporary.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
		return err
	}
	return &TemporaryError{Err: err}
}

// build turns a message into go-mail's, with both parts and the headers
// a receiving server checks: Message-ID, Date, From, Reply-To.
func build(m *Message) (*gomail.Msg, error) {
	gm := gomail.NewMsg()
	if err := gm.From(m.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := gm.To(m.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if m.ReplyTo != "" {
		if err := gm.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	gm.Subject(m.Subject)
	gm.SetMessageIDWithValue(m.MessageID)
	gm.SetDate()
	gm.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	gm.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		gm.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return gm, nil
}
