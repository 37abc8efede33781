package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// TestFormDoubleOptIn walks the whole path over HTTP with a real SMTP
// server: submit, pending consent, the email through the rules, the link
// opened (nothing changes), the button pressed (confirmed with proof), the
// link used again (a friendly page, no change).
func TestFormDoubleOptIn(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		status, body := e.submit(subscribe("Camille.Durand@Exemple.fr"))
		if status != http.StatusOK || !strings.Contains(body, "Vérifiez votre boîte") {
			t.Fatalf("submit: %d %.500s", status, body)
		}
		id := e.personByEmail("camille.durand@exemple.fr")
		if id == "" {
			t.Fatal("no person created")
		}
		if st := e.state(id, consent.EmailMarketing); st != consent.Pending {
			t.Fatalf("consent after submit is %s, want pending", st)
		}
		p, err := e.app.CRM.Store.Person(context.Background(), e.ws.ID, id)
		if err != nil || p.Origin != "web_form" || p.FirstName != "Camille" || p.LastInteractionAt.IsZero() {
			t.Fatalf("person %+v %v", p, err)
		}

		e.send()
		msgs := e.smtp.Wait(t, 1, 10*time.Second)
		h := msgs[0].Header()
		for _, name := range []string{"Message-Id", "Date", "From", "Reply-To", "To", "Subject"} {
			if h.Get(name) == "" {
				t.Errorf("the confirmation email has no %s header", name)
			}
		}
		if !strings.Contains(h.Get("From"), "news@acme.example") || !strings.Contains(h.Get("Reply-To"), "contact@acme.example") {
			t.Errorf("From %q Reply-To %q", h.Get("From"), h.Get("Reply-To"))
		}
		if msgs[0].Part("text/html") == "" || !strings.Contains(msgs[0].Part("text/plain"), "Merci pour votre demande") {
			t.Errorf("parts: text %q html %d bytes", msgs[0].Part("text/plain"), len(msgs[0].Part("text/html")))
		}
		link := e.optinLink(0)
		if strings.Contains(link, "camille") || strings.Contains(link, "exemple") {
			t.Errorf("the link carries personal data: %s", link)
		}

		// A link scanner opens the link: the page asks, nothing changes.
		for range 2 {
			if status, body := e.get(link); status != http.StatusOK || !strings.Contains(body, `id="confirm"`) {
				t.Fatalf("confirmation page: %d %.300s", status, body)
			}
		}
		if st := e.state(id, consent.EmailMarketing); st != consent.Pending {
			t.Fatalf("opening the link changed the consent to %s", st)
		}
		if status, body := e.post(link, ""); status != http.StatusOK || !strings.Contains(body, "confirmée") {
			t.Fatalf("confirm: %d %.300s", status, body)
		}
		proof, err := e.app.Consent.Proof(context.Background(), e.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if proof.Projection.State(consent.EmailMarketing) != consent.Granted || proof.Problem != nil {
			t.Fatalf("after confirm: %s, chain problem %v", proof.Projection.State(consent.EmailMarketing), proof.Problem)
		}
		checkProof(t, e, proof.Events)

		// Used again: a friendly page, nothing more recorded.
		if status, body := e.post(link, ""); status != http.StatusConflict || !strings.Contains(body, "déjà été utilisé") {
			t.Fatalf("reuse: %d %.300s", status, body)
		}
		if n := e.count(`SELECT COUNT(*) FROM consent_events WHERE person_public_id = $1`, id); n != 2 {
			t.Errorf("%d ledger events, want request + confirm", n)
		}
		subs, err := e.app.Forms.PersonSubmissions(context.Background(), e.ws.ID, id)
		if err != nil || len(subs) != 1 || subs[0].Status != forms.StatusConfirmed || len(subs[0].Values) != 3 {
			t.Fatalf("history %+v %v", subs, err)
		}
	})
}

// checkProof checks that the request and confirm events carry the form
// version and the exact wording shown, with its SHA-256.
func checkProof(t *testing.T, e *formsEnv, events []consent.Event) {
	t.Helper()
	_, v, _, err := e.app.Forms.Published(context.Background(), "newsletter")
	if err != nil {
		t.Fatal(err)
	}
	box := v.Definition.Checkboxes[0]
	want := box.Wording() + "\n\n" + v.Definition.Notice()
	if box.SHA256 != forms.SHA256Hex(box.Wording()) || v.Definition.NoticeSHA256 == "" {
		t.Errorf("the version does not keep its texts' hashes")
	}
	for _, ev := range events {
		if ev.Wording != want || ev.WordingSHA256 != forms.SHA256Hex(want) || ev.SourceVersion != v.PublicID {
			t.Errorf("%s event: wording %q version %q", ev.Action, ev.Wording, ev.SourceVersion)
		}
		if ev.IP == "" || ev.UserAgent != "FormsTest/1.0" || ev.PageURL == "" {
			t.Errorf("%s event lacks its proof: ip %q ua %q page %q", ev.Action, ev.IP, ev.UserAgent, ev.PageURL)
		}
	}
	if events[0].SourceKind != consent.SourceForm || events[0].Action != consent.Request || events[1].Action != consent.Confirm {
		t.Errorf("events %s/%s then %s", events[0].SourceKind, events[0].Action, events[1].Action)
	}
}

// TestFormExistingPersonUpdated: a submission with a known email (in
// another case) updates that person and keeps every value as history.
func TestFormExistingPersonUpdated(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		first := subscribe("lou@exemple.fr")
		delete(first, "consent.email_marketing")
		if status, _ := e.submit(first); status != http.StatusOK {
			t.Fatal(status)
		}
		second := url.Values{"email": {"LOU@exemple.fr"}, "first_name": {"Louise"}}
		if status, _ := e.submit(second); status != http.StatusOK {
			t.Fatal(status)
		}
		id := e.personByEmail("lou@exemple.fr")
		p, _ := e.app.CRM.Store.Person(context.Background(), e.ws.ID, id)
		if p.FirstName != "Louise" || p.LastName != "Durand" {
			t.Errorf("merged person %q %q", p.FirstName, p.LastName)
		}
		if n := e.count(`SELECT COUNT(*) FROM people WHERE workspace_id = $1`, e.ws.ID); n != 1 {
			t.Errorf("%d people, want 1", n)
		}
		subs, _ := e.app.Forms.PersonSubmissions(context.Background(), e.ws.ID, id)
		if len(subs) != 2 || subs[1].Values[1].Value != "Camille" || subs[0].Status != forms.StatusDone {
			t.Errorf("history %+v", subs)
		}
		if len(e.smtp.Messages()) != 0 {
			t.Error("an email was sent without any box ticked")
		}
	})
}

// TestFormPreTickedRefused: a definition with a box ticked in advance is
// refused by the service and by the builder, by name.
func TestFormPreTickedRefused(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		d := e.form.Draft
		d.Checkboxes[0].Checked = true
		_, err := e.app.Forms.SaveDraft(e.ctx, e.ws.ID, e.form.PublicID, "Newsletter", d)
		if x, ok := errs.As(err); !ok || x.Code != errs.Invalid || !strings.Contains(x.Fields["checkboxes"], "ticked in advance") {
			t.Fatalf("pre-ticked draft: %v", err)
		}
		f, _ := e.app.Forms.Form(e.ctx, e.ws.ID, e.form.PublicID)
		if f.Draft.Checkboxes[0].Checked {
			t.Fatal("the pre-ticked draft was saved")
		}
	})
}

// TestFormLinksForgedExpiredReused: every bad link gets a friendly page
// and changes nothing.
func TestFormLinksForgedExpiredReused(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		e.submit(subscribe("eve@exemple.fr"))
		e.send()
		link := e.optinLink(0)
		token := strings.TrimPrefix(link, "/optin/")
		flip := []byte(token)
		flip[10] ^= 1
		id := e.personByEmail("eve@exemple.fr")
		cases := []struct {
			name, path, want string
			status           int
		}{
			{"forged", "/optin/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "pas valide", 404},
			{"altered", "/optin/" + string(flip), "pas valide", 404},
			{"truncated", link[:len(link)-3], "pas valide", 404},
			{"other purpose", "/reoptin/" + token, "pas valide", 404},
			{"huge", "/optin/" + strings.Repeat("A", 5000), "pas valide", 404},
		}
		for _, c := range cases {
			for _, method := range []string{"GET", "POST"} {
				var status int
				var body string
				if method == "GET" {
					status, body = e.get(c.path)
				} else {
					status, body = e.post(c.path, "")
				}
				if status != c.status || !strings.Contains(body, c.want) || strings.Contains(body, "Internal") {
					t.Errorf("%s %s: %d %.200s", c.name, method, status, body)
				}
			}
		}
		// Expired: the clock moves past the link's expiry.
		e.clock = e.clock.Add(8 * 24 * time.Hour)
		if status, body := e.post(link, ""); status != 400 || !strings.Contains(body, "expiré") {
			t.Errorf("expired: %d %.200s", status, body)
		}
		if st := e.state(id, consent.EmailMarketing); st != consent.Pending {
			t.Errorf("a bad link changed the consent to %s", st)
		}
	})
}

// TestFormSpamTraps: the honeypot and a too-fast submission are answered
// like a real one, a forged start time is asked to be confirmed, and
// nothing is stored; past the rate limit, 429.
func TestFormSpamTraps(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		v := subscribe("bot@exemple.fr")
		v.Set("website", "http://spam.example")
		if status, body := e.submit(v); status != 200 || !strings.Contains(body, "Merci") {
			t.Errorf("honeypot: %d", status)
		}
		e.app.Forms.Limits.MinFillTime = time.Hour
		if status, _ := e.submit(subscribe("fast@exemple.fr")); status != 200 {
			t.Errorf("too fast: %d", status)
		}
		e.app.Forms.Limits.MinFillTime = time.Nanosecond
		// A forged start time is neither thanked nor recorded: the form comes
		// back to be confirmed (TestFormPlainEmbed follows that path).
		noStarted := subscribe("nostart@exemple.fr")
		noStarted.Set("_started", "forged")
		if status, body := e.submit(noStarted); status != 200 || !strings.Contains(body, "confirm-submission") {
			t.Errorf("forged start time: %d", status)
		}
		if n := e.count(`SELECT COUNT(*) FROM people`); n != 0 {
			t.Errorf("spam stored %d people", n)
		}
		e.app.Forms.Limits.PerIP = 2
		for i, want := range []int{200, 200, 429} {
			if status, _ := e.submit(subscribe("p" + string(rune('a'+i)) + "@exemple.fr")); status != want {
				t.Errorf("submission %d: %d, want %d", i+1, status, want)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM people`); n != 2 {
			t.Errorf("%d people after the rate limit, want 2", n)
		}
	})
}

// TestFormHostileInput: a 10 MB body, invalid UTF-8, a value over its
// limit and a bad email get clear answers beside the field, and nothing
// is stored.
func TestFormHostileInput(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		big := "email=a%40b.fr&first_name=" + strings.Repeat("x", 10<<20)
		if status, body := e.post("/f/newsletter", big); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "bien plus de données") {
			t.Errorf("10 MB: %d %.200s", status, body)
		}
		bad := subscribe("utf@exemple.fr")
		bad.Set("first_name", "Ca\xffmille")
		if status, body := e.submit(bad); status != 422 || !strings.Contains(body, `id="e-first_name"`) || !strings.Contains(body, "caractères non autorisés") {
			t.Errorf("invalid UTF-8: %d %.300s", status, body)
		}
		long := subscribe("long@exemple.fr")
		long.Set("last_name", strings.Repeat("é", 501))
		if status, body := e.submit(long); status != 422 || !strings.Contains(body, "trop long") {
			t.Errorf("over the limit: %d %.300s", status, body)
		}
		mail := subscribe("not-an-email")
		if status, body := e.submit(mail); status != 422 || !strings.Contains(body, "adresse e-mail valide") || !strings.Contains(body, `value="Camille"`) {
			t.Errorf("bad email: %d %.300s", status, body)
		}
		missing := url.Values{"first_name": {"X"}}
		if status, body := e.submit(missing); status != 422 || !strings.Contains(body, "obligatoire") {
			t.Errorf("missing email: %d %.300s", status, body)
		}
		if status, _ := e.get("/f/no-such-form"); status != 404 {
			t.Errorf("unknown form: %d", status)
		}
		if n := e.count(`SELECT COUNT(*) FROM people`); n != 0 {
			t.Errorf("hostile input stored %d people", n)
		}
		// JSON callers get field messages too.
		_, js := e.get("/f/newsletter/started")
		started := strings.Split(js, `"`)[3]
		status, body := e.post("/f/newsletter", "email=x&_started="+started, "Accept", "application/json")
		if status != 422 || !strings.Contains(body, `"errors"`) {
			t.Errorf("JSON: %d %s", status, body)
		}
	})
}

// TestFormSuppressedAddress: a suppressed address gets the ordinary
// thank-you page (the form does not tell who objected) and nothing is
// stored or sent.
func TestFormSuppressedAddress(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		if _, err := (sqldb.SuppressionStore{DB: db}).Add(e.ctx, e.ws.ID, []string{"gone@exemple.fr"}, consent.ReasonManual,
			audit.NewEntry(e.ctx, e.ws.ID, "suppression.add", "workspace", "", nil)); err != nil {
			t.Fatal(err)
		}
		if status, body := e.submit(subscribe("Gone@Exemple.fr")); status != 200 || !strings.Contains(body, "Merci") {
			t.Fatalf("suppressed: %d %.200s", status, body)
		}
		e.send()
		if n := e.count(`SELECT COUNT(*) FROM people`); n != 0 || len(e.smtp.Messages()) != 0 {
			t.Errorf("suppressed address: %d people, %d emails", n, len(e.smtp.Messages()))
		}
	})
}

// TestOutboxRulesAndRetries: a message the rules refuse when it is due is
// not sent and why is recorded; a temporary SMTP failure is retried.
func TestOutboxRulesAndRetries(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		e.submit(subscribe("denied@exemple.fr"))
		id := e.personByEmail("denied@exemple.fr")
		// Between commit and send, the address bounces.
		if _, err := e.app.Consent.Record(e.ctx, e.ws.ID, id, []consent.Change{{Flag: consent.EmailInvalid, Action: consent.Set}},
			consent.Proof{SourceKind: consent.SourceSystem, Note: "hard bounce"}); err != nil {
			t.Fatal(err)
		}
		e.send()
		msgs, _ := sqldb.OutboxStore{DB: db}.PersonMessages(context.Background(), e.ws.ID, id)
		if len(msgs) != 1 || msgs[0].Status != mail.StatusDenied || msgs[0].LastError == "" || len(e.smtp.Messages()) != 0 {
			t.Fatalf("denied message: %+v, %d sent", msgs, len(e.smtp.Messages()))
		}

		e.smtp.FailNext(1)
		e.submit(subscribe("retry@exemple.fr"))
		e.send()
		rid := e.personByEmail("retry@exemple.fr")
		msgs, _ = sqldb.OutboxStore{DB: db}.PersonMessages(context.Background(), e.ws.ID, rid)
		if msgs[0].Status != mail.StatusQueued || msgs[0].Attempts != 1 {
			t.Fatalf("after a 451: %+v", msgs[0])
		}
		e.app.Sender.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		e.send()
		msgs, _ = sqldb.OutboxStore{DB: db}.PersonMessages(context.Background(), e.ws.ID, rid)
		if msgs[0].Status != mail.StatusSent || len(e.smtp.Messages()) != 1 {
			t.Fatalf("retry: %+v, %d received", msgs[0], len(e.smtp.Messages()))
		}
	})
}

// TestFormExpiry: an unconfirmed consent expires; the person who exists
// only because of it is deleted and their ledger events pseudonymised, the
// chain still verifying; a person known before keeps their record.
func TestFormExpiry(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		e.submit(subscribe("ghost@exemple.fr"))
		known, err := e.app.CRM.CreatePerson(e.ctx, e.ws.ID, crmInput("known@exemple.fr"))
		if err != nil {
			t.Fatal(err)
		}
		e.submit(subscribe("known@exemple.fr"))
		ghost := e.personByEmail("ghost@exemple.fr")
		e.clock = e.clock.Add(8 * 24 * time.Hour)
		n, err := e.app.Forms.Expire(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("expired %d, %v", n, err)
		}
		if e.personByEmail("ghost@exemple.fr") != "" {
			t.Error("the person created only by an unconfirmed submission is still there")
		}
		if n := e.count(`SELECT COUNT(*) FROM consent_events WHERE person_public_id = $1 AND (ip <> '' OR NOT pseudonymised)`, ghost); n != 0 {
			t.Errorf("%d ledger events still hold personal data", n)
		}
		if st := e.state(known.PublicID, consent.EmailMarketing); st != consent.Withdrawn {
			t.Errorf("known person's pending consent is %s, want withdrawn", st)
		}
		problem, err := consent.Verify(context.Background(), sqldb.ConsentStore{DB: db}, e.ws.ID)
		if err != nil || problem.Problem != nil {
			t.Errorf("chain after expiry: %+v %v", problem, err)
		}
	})
}

// TestReoptin: a signed per-person link; the person ticks the box
// themselves; recorded with proof; the link works once.
func TestReoptin(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		p, err := e.app.CRM.CreatePerson(e.ctx, e.ws.ID, crmInput("back@exemple.fr"))
		if err != nil {
			t.Fatal(err)
		}
		link, err := e.app.Forms.CreateReoptin(e.ctx, e.ws.ID, p.PublicID, []string{consent.EmailMarketing}, 30)
		if err != nil {
			t.Fatal(err)
		}
		path := strings.TrimPrefix(link, e.srv.URL)
		if status, body := e.get(path); status != 200 || !strings.Contains(body, `name="purpose"`) || strings.Contains(body, "checked") {
			t.Fatalf("page: %d %.300s", status, body)
		}
		if status, body := e.post(path, ""); status != 422 || !strings.Contains(body, "Cochez une case") {
			t.Fatalf("no box ticked: %d %.300s", status, body)
		}
		if status, _ := e.post(path, "purpose=email_marketing&purpose=profiling"); status != 200 {
			t.Fatalf("ticked: %d", status)
		}
		proof, _ := e.app.Consent.Proof(context.Background(), e.ws.ID, p.PublicID)
		if proof.Projection.State(consent.EmailMarketing) != consent.Granted || proof.Projection.State(consent.ProfilingPurpose) != consent.None {
			t.Fatalf("states %+v", proof.Projection)
		}
		ev := proof.Events[len(proof.Events)-1]
		if ev.SourceKind != consent.SourceLink || !strings.Contains(ev.Wording, "J'accepte") || ev.IP == "" || ev.ActorKind != "person" {
			t.Errorf("proof %+v", ev)
		}
		if status, _ := e.post(path, "purpose=email_marketing"); status != 409 {
			t.Errorf("reuse: %d", status)
		}
	})
}

// TestFormNotifiesStaff: the user named on the form is told of each
// submission, with a link to the record and none of the submitter's data;
// the notification names no person, so the contact rules do not apply.
func TestFormNotifiesStaff(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		d := e.form.Draft
		d.NotifyUserID, d.RedirectURL = e.admin.ID, "https://www.acme.example/merci"
		if _, err := e.app.Forms.SaveDraft(e.ctx, e.ws.ID, e.form.PublicID, "Newsletter", d); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Forms.Publish(e.ctx, e.ws.ID, e.form.PublicID); err != nil {
			t.Fatal(err)
		}
		v := subscribe("notify@exemple.fr")
		delete(v, "consent.email_marketing")
		if status, loc := e.submit(v); status != http.StatusSeeOther || loc != "https://www.acme.example/merci" {
			t.Fatalf("submit: %d %s", status, loc)
		}
		res, err := http.Get(e.srv.URL + "/f/newsletter")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://www.acme.example;") {
			t.Errorf("the page's policy would block the redirect: %s", csp)
		}
		e.send()
		msgs := e.smtp.Wait(t, 1, 10*time.Second)
		text := msgs[0].Part("text/plain")
		id := e.personByEmail("notify@exemple.fr")
		if msgs[0].To[0] != "admin@acme.example" || !strings.Contains(text, "/people/"+id) || strings.Contains(text, "notify@") || strings.Contains(text, "Camille") {
			t.Errorf("notification to %v: %q", msgs[0].To, text)
		}
	})
}

// TestFormNeedsRegisterEntry: a form cannot be published with a consent
// box for a purpose that no active entry of the register declares; once
// the entry is adopted it can, and takes the register's notice.
func TestFormNeedsRegisterEntry(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		ws := &workspace.Workspace{Slug: "globex", Name: "Globex"}
		if err := (sqldb.WorkspaceStore{DB: db}).Create(e.ctx, ws); err != nil {
			t.Fatal(err)
		}
		f, err := e.app.Forms.CreateForm(e.ctx, ws.ID, "Lettre", "lettre", "fr", ws.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Forms.Publish(e.ctx, ws.ID, f.PublicID); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "register") {
			t.Fatalf("published without a register entry: %v", err)
		}
		if _, err := e.app.Register.AdoptTemplates(e.ctx, ws.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Forms.Publish(e.ctx, ws.ID, f.PublicID); err != nil {
			t.Fatalf("publish after adopting the register: %v", err)
		}
	})
}
