package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/mail/mailtest"
)

func message(to string) *mail.Message {
	return &mail.Message{From: "Acme <news@acme.example>", ReplyTo: "contact@acme.example", To: to, Subject: "Confirmez votre inscription",
		Text: "Bonjour,\nCliquez : https://x.example/optin/abc", HTML: "<p>Bonjour</p>", MessageID: mail.NewMessageID("acme.example")}
}

// TestSMTPDelivers: both parts and the headers a receiving server checks,
// with authentication.
func TestSMTPDelivers(t *testing.T) {
	srv := mailtest.Start(t)
	srv.User, srv.Password = "relay", "s3cret"
	tr, err := mail.NewSMTP(mail.Config{Host: srv.Host, Port: srv.Port, Security: mail.NoTLS, Username: "relay", Password: "s3cret", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	m := message("Élodie <elodie@exemple.fr>")
	if errs := tr.Send(context.Background(), []*mail.Message{m}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	h := got.Header()
	if h.Get("Message-Id") != "<"+m.MessageID+">" || h.Get("Date") == "" || !strings.Contains(h.Get("Reply-To"), "contact@acme.example") {
		t.Errorf("headers: %v", h)
	}
	if got.Part("text/plain") == "" || got.Part("text/html") != "<p>Bonjour</p>" {
		t.Errorf("parts: %q / %q", got.Part("text/plain"), got.Part("text/html"))
	}
	if len(got.To) != 1 || got.To[0] != "elodie@exemple.fr" {
		t.Errorf("envelope to %v", got.To)
	}
}

// TestSMTPErrors: a wrong password or a refused connection is reported;
// a refused connection and a 4xx are temporary.
func TestSMTPErrors(t *testing.T) {
	srv := mailtest.Start(t)
	srv.User, srv.Password = "relay", "s3cret"
	bad, _ := mail.NewSMTP(mail.Config{Host: srv.Host, Port: srv.Port, Security: mail.NoTLS, Username: "relay", Password: "wrong", Timeout: 5 * time.Second})
	if errs := bad.Send(context.Background(), []*mail.Message{message("a@b.fr")}); errs[0] == nil {
		t.Error("a wrong password was accepted")
	}
	down, _ := mail.NewSMTP(mail.Config{Host: "127.0.0.1", Port: 1, Security: mail.NoTLS, Timeout: 2 * time.Second})
	if errs := down.Send(context.Background(), []*mail.Message{message("a@b.fr")}); !mail.IsTemporary(errs[0]) {
		t.Errorf("a refused connection is not temporary: %v", errs[0])
	}
	open := mailtest.Start(t)
	open.FailNext(1)
	tr, _ := mail.NewSMTP(mail.Config{Host: open.Host, Port: open.Port, Security: mail.NoTLS, Timeout: 5 * time.Second})
	errs := tr.Send(context.Background(), []*mail.Message{message("a@b.fr"), message("c@d.fr")})
	if !mail.IsTemporary(errs[0]) || errs[1] != nil {
		t.Errorf("451 then ok: %v, %v", errs[0], errs[1])
	}
	// STARTTLS required against a server that offers none: refused, not
	// sent in clear.
	tls, _ := mail.NewSMTP(mail.Config{Host: open.Host, Port: open.Port, Security: mail.StartTLS, Timeout: 5 * time.Second})
	if errs := tls.Send(context.Background(), []*mail.Message{message("e@f.fr")}); errs[0] == nil {
		t.Error("STARTTLS was required but the message went in clear")
	}
	if len(open.Messages()) != 1 {
		t.Errorf("%d messages received, want 1", len(open.Messages()))
	}
}

// TestConfigValidate names each problem.
func TestConfigValidate(t *testing.T) {
	for _, c := range []mail.Config{{}, {Host: "h", Port: 0, Security: mail.NoTLS}, {Host: "h", Port: 25, Security: "ssl"},
		{Host: "h", Port: 25, Security: mail.TLS, Username: "u"}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	for _, m := range []*mail.Message{{From: "x", To: "a@b.fr", Text: "t"}, {From: "a@b.fr", To: "a@b.fr", Subject: "a\r\nBcc: x", Text: "t"},
		{From: "a@b.fr", To: "a@b.fr", Text: "t", PersonPublicID: "p"}} {
		if err := m.Validate(); err == nil {
			t.Errorf("%+v accepted", m)
		}
	}
}

// TestSMTPOverTLS: against a real server with a certificate, STARTTLS and
// implicit TLS both deliver, authenticated, over an encrypted connection;
// a certificate the client was not told to accept is refused and nothing
// goes in clear.
func TestSMTPOverTLS(t *testing.T) {
	tests := []struct {
		name     string
		enc      mailtest.Encryption
		security mail.Security
	}{
		{"STARTTLS", mailtest.STARTTLS, mail.StartTLS},
		{"implicit TLS", mailtest.ImplicitTLS, mail.TLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.StartTLS(t, tt.enc)
			srv.User, srv.Password = "relay", "s3cret"
			cfg := mail.Config{Host: srv.Host, Port: srv.Port, Security: tt.security, Username: "relay", Password: "s3cret",
				Timeout: 5 * time.Second}
			strict, err := mail.NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if errs := strict.Send(context.Background(), []*mail.Message{message("a@b.fr")}); errs[0] == nil {
				t.Fatal("a self-signed certificate was accepted without being allowed")
			}
			cfg.InsecureSkipVerify = true
			tr, err := mail.NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if errs := tr.Send(context.Background(), []*mail.Message{message("c@d.fr"), message("e@f.fr")}); errs[0] != nil || errs[1] != nil {
				t.Fatal(errs)
			}
			got := srv.Wait(t, 2, 5*time.Second)
			if len(got) != 2 || !got[0].TLS || !got[1].TLS || got[0].To[0] != "c@d.fr" {
				t.Errorf("received %+v", got)
			}
		})
	}
}
