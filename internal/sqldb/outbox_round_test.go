package sqldb_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/mail/mailtest"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestOutboxRoundChecksEachPerson: one round of the sender holds marketing
// messages to people who may and may not receive them, a service message
// and a staff message, and one for a purpose the workspace no longer has.
// The rules are asked for the whole round at once, and only the people
// they allow receive anything: the real SMTP server gets exactly those,
// and each refusal is recorded with its reason.
func TestOutboxRoundChecksEachPerson(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "u1"})
		ws := newWorkspace(t, db, "acme")
		people := newService(db)
		rules := consent.NewService(sqldb.ConsentStore{DB: db})
		grant := consent.Change{Purpose: consent.EmailMarketing, Action: consent.Grant}
		tests := []struct {
			name    string
			purpose string
			changes []consent.Change
			deleted bool
			want    string // the message's status
			reason  string
		}{
			{"granted", consent.EmailMarketing, []consent.Change{grant}, false, mail.StatusSent, ""},
			{"unsubscribed", consent.EmailMarketing, []consent.Change{grant, {Flag: consent.EmailUnsubscribed, Action: consent.Set}}, false, mail.StatusDenied, string(consent.ReasonEmailUnsubscribed)},
			{"withdrawn", consent.EmailMarketing, []consent.Change{grant, {Purpose: consent.EmailMarketing, Action: consent.Withdraw}}, false, mail.StatusDenied, string(consent.ReasonConsentWithdrawn)},
			{"never asked", consent.EmailMarketing, nil, false, mail.StatusDenied, string(consent.ReasonNoConsent)},
			{"opposed", consent.EmailMarketing, []consent.Change{grant, {Flag: consent.OpposedAll, Action: consent.Set}}, false, mail.StatusDenied, string(consent.ReasonOpposedAll)},
			{"bounced", consent.EmailMarketing, []consent.Change{grant, {Flag: consent.EmailInvalid, Action: consent.Set}}, false, mail.StatusDenied, string(consent.ReasonEmailInvalid)},
			{"deleted", consent.EmailMarketing, []consent.Change{grant}, true, mail.StatusDenied, "person_deleted"},
			{"granted too", consent.EmailMarketing, []consent.Change{grant}, false, mail.StatusSent, ""},
			{"purpose removed", "old_newsletter", []consent.Change{grant}, false, mail.StatusDenied, "purpose_unknown"},
			{"unsubscribed, service message", consent.TransactionalMail, []consent.Change{{Flag: consent.EmailUnsubscribed, Action: consent.Set}}, false, mail.StatusSent, ""},
		}
		ids := make([]string, len(tests))
		var wantTo []string
		for i, tt := range tests {
			email := "person" + string(rune('a'+i)) + "@exemple.fr"
			p, err := people.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: tt.name, Emails: []string{email}, Audience: crm.B2C})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = p.PublicID
			if len(tt.changes) > 0 {
				if _, err := rules.Record(ctx, ws.ID, p.PublicID, tt.changes, staffProof); err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
			}
			if err := sqldb.Enqueue(ctx, db, &mail.Message{WorkspaceID: ws.ID, PersonPublicID: p.PublicID, Purpose: tt.purpose,
				Kind: "campaign", From: "news@acme.example", To: email, Subject: "Nouveautés", Text: "Bonjour"}); err != nil {
				t.Fatal(err)
			}
			if tt.deleted {
				if err := people.DeletePerson(ctx, ws.ID, p.PublicID); err != nil {
					t.Fatal(err)
				}
			}
			if tt.want == mail.StatusSent {
				wantTo = append(wantTo, email)
			}
		}
		if err := sqldb.Enqueue(ctx, db, &mail.Message{WorkspaceID: ws.ID, Purpose: consent.TransactionalMail, Kind: "notify",
			From: "registre@acme.example", To: "staff@acme.example", Subject: "Nouvelle inscription", Text: "Voir la fiche"}); err != nil {
			t.Fatal(err)
		}
		wantTo = append(wantTo, "staff@acme.example")

		smtp := mailtest.Start(t)
		transport, err := mail.NewSMTP(mail.Config{Host: smtp.Host, Port: smtp.Port, Security: mail.NoTLS, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		sender := &mail.Sender{Outbox: sqldb.OutboxStore{DB: db}, Transport: transport, Rules: rules,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if n, err := sender.SendDue(context.Background()); err != nil || n != len(tests)+1 {
			t.Fatalf("one round handled %d messages, %v; want %d", n, err, len(tests)+1)
		}
		var got []string
		for _, m := range smtp.Messages() {
			got = append(got, m.To...)
		}
		slices.Sort(got)
		slices.Sort(wantTo)
		if !slices.Equal(got, wantTo) {
			t.Errorf("received by %v, want exactly %v", got, wantTo)
		}
		for i, tt := range tests {
			msgs, err := sqldb.OutboxStore{DB: db}.PersonMessages(ctx, ws.ID, ids[i])
			if err != nil || len(msgs) != 1 {
				t.Fatalf("%s: %+v %v", tt.name, msgs, err)
			}
			if m := msgs[0]; m.Status != tt.want || (tt.reason != "" && !slices.Contains(strings.Split(m.LastError, ","), tt.reason)) {
				t.Errorf("%s: status %s (%q), want %s with %q", tt.name, m.Status, m.LastError, tt.want, tt.reason)
			}
		}
	})
}

// stopAround is the real SMTP transport with the process asked to stop
// just before or just after it sends.
type stopAround struct {
	mail.Transport
	before bool
	stop   context.CancelFunc
}

func (c stopAround) Send(ctx context.Context, msgs []*mail.Message) []error {
	if c.before {
		c.stop()
	} else {
		defer c.stop()
	}
	return c.Transport.Send(ctx, msgs)
}

// TestOutboxRoundRecordedWhenStopping: a sender stopped while its round is
// at the SMTP server still records what the server accepted, so that the
// message is not sent a second time once its claim runs out; one stopped
// before the server accepted anything records nothing, so that the stop
// costs the message no attempt (it goes when its claim runs out).
func TestOutboxRoundRecordedWhenStopping(t *testing.T) {
	tests := []struct {
		name     string
		before   bool
		received int
		status   string
		attempts int
	}{
		{"AfterTheServerAccepted", false, 1, mail.StatusSent, 1},
		{"BeforeSending", true, 0, "queued", 0},
	}
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "u1"})
		ws := newWorkspace(t, db, "acme")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: tt.name, Emails: []string{strings.ToLower(tt.name) + "@exemple.fr"}})
				if err != nil {
					t.Fatal(err)
				}
				if err := sqldb.Enqueue(ctx, db, &mail.Message{WorkspaceID: ws.ID, PersonPublicID: p.PublicID, Purpose: consent.TransactionalMail,
					Kind: "optin", From: "news@acme.example", To: strings.ToLower(tt.name) + "@exemple.fr", Subject: "Confirmez", Text: "Bonjour"}); err != nil {
					t.Fatal(err)
				}
				smtp := mailtest.Start(t)
				transport, err := mail.NewSMTP(mail.Config{Host: smtp.Host, Port: smtp.Port, Security: mail.NoTLS, Timeout: 10 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				stopping, stop := context.WithCancel(context.Background())
				sender := &mail.Sender{Outbox: sqldb.OutboxStore{DB: db}, Transport: stopAround{transport, tt.before, stop},
					Rules: consent.NewService(sqldb.ConsentStore{DB: db}), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				if n, err := sender.SendDue(stopping); err != nil || n != 1 {
					t.Fatalf("round: %d messages, %v", n, err)
				}
				if stopping.Err() == nil {
					t.Fatal("the round did not see the stop")
				}
				if got := len(smtp.Messages()); got != tt.received {
					t.Fatalf("the server received %d messages, want %d", got, tt.received)
				}
				msgs, err := sqldb.OutboxStore{DB: db}.PersonMessages(ctx, ws.ID, p.PublicID)
				if err != nil || len(msgs) != 1 || msgs[0].Status != tt.status || msgs[0].Attempts != tt.attempts {
					t.Fatalf("outbox after the stop: %+v, %v; want %s after %d attempts", msgs, err, tt.status, tt.attempts)
				}
			})
		}
	})
}
