package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/public"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

var hiddenPattern = regexp.MustCompile(`<input type="hidden" name="(_[a-z_]+)" value="([^"]*)">`)

// hidden reads the hidden inputs of a page.
func hidden(page string) map[string]string {
	out := map[string]string{}
	for _, m := range hiddenPattern.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// written counts the rows a submission writes, in every table it touches.
func (e *formsEnv) written() int {
	e.t.Helper()
	n := 0
	for _, table := range []string{"people", "form_submissions", "form_submission_values", "activities", "consent_events",
		"optin_requests", "outbox", "rate_counters"} {
		n += e.count(`SELECT COUNT(*) FROM ` + table)
	}
	return n + e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'form.submit'`)
}

// TestFormPlainEmbed: the plain HTML embed code carries no start time; its
// first post writes nothing and shows the hosted form again, filled in,
// with a fresh start time and a request to confirm; the second post is
// recorded with the embedding page as proof. A robot that posts the same
// thing again at once, or fills the honeypot, gets nothing recorded; a
// page left open past the maximum fill time is asked again too.
func TestFormPlainEmbed(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		ctx := context.Background()
		f, v, _, err := e.app.Forms.Published(ctx, "newsletter")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := public.EmbedCode(e.srv.URL, f, v)
		if !strings.Contains(code, `name="_started" value=""`) {
			t.Fatalf("the embed code carries a start time: %s", code)
		}
		sent := subscribe("embed@exemple.fr")
		sent.Set("_started", "")
		sent.Set("website", "")
		cross := []string{"Origin", "https://www.client.example", "Sec-Fetch-Site", "cross-site",
			"Referer", "https://www.client.example/contact?utm_source=x"}
		status, page := e.post("/f/newsletter", sent.Encode(), cross...)
		if status != http.StatusOK || !strings.Contains(page, `id="confirm-submission"`) || !strings.Contains(page, "Merci de confirmer votre envoi") ||
			!strings.Contains(page, `value="embed@exemple.fr"`) || !strings.Contains(page, `value="Camille"`) ||
			!regexp.MustCompile(`name="consent.email_marketing" value="yes" checked`).MatchString(page) {
			t.Fatalf("first post: %d %.3000s", status, page)
		}
		if n := e.written(); n != 0 {
			t.Fatalf("the first post wrote %d rows", n)
		}
		h := hidden(page)
		if h["_started"] == "" || h["_page"] != "https://www.client.example/contact" || h["_page_tag"] == "" {
			t.Fatalf("hidden inputs %v", h)
		}

		// A robot sending the confirmation back at once is asked again,
		// not thanked: nothing recorded either.
		again := url.Values{}
		for k, vs := range sent {
			again[k] = vs
		}
		for k, val := range h {
			again.Set(k, val)
		}
		e.app.Forms.Limits.MinFillTime = time.Hour
		if status, body := e.post("/f/newsletter", again.Encode(), "Referer", e.srv.URL+"/f/newsletter"); status != 200 || !strings.Contains(body, "confirm-submission") {
			t.Fatalf("fast confirmation: %d %.300s", status, body)
		}
		e.app.Forms.Limits.MinFillTime = time.Nanosecond
		// The honeypot still holds on the confirmation.
		trap := url.Values{}
		for k, vs := range again {
			trap[k] = vs
		}
		trap.Set("website", "http://spam.example")
		if status, body := e.post("/f/newsletter", trap.Encode()); status != 200 || !strings.Contains(body, "Vérifiez votre boîte") {
			t.Fatalf("honeypot: %d %.300s", status, body)
		}
		if n := e.written(); n != 0 {
			t.Fatalf("robots wrote %d rows", n)
		}

		// The person confirms: recorded, with the embedding page as proof.
		status, body := e.post("/f/newsletter", again.Encode(), "Referer", e.srv.URL+"/f/newsletter")
		if status != http.StatusOK || !strings.Contains(body, "Vérifiez votre boîte") {
			t.Fatalf("confirmation: %d %.300s", status, body)
		}
		id := e.personByEmail("embed@exemple.fr")
		if id == "" || e.state(id, consent.EmailMarketing) != consent.Pending {
			t.Fatalf("person %q not recorded", id)
		}
		proof, err := e.app.Consent.Proof(ctx, e.ws.ID, id)
		if err != nil || len(proof.Events) != 1 || proof.Events[0].PageURL != "https://www.client.example/contact" {
			t.Fatalf("proof %+v %v", proof.Events, err)
		}

		// A forged page address is ignored: the Referer is kept.
		forged := subscribe("forged@exemple.fr")
		forged.Set("_started", h["_started"])
		forged.Set("_page", "https://evil.example/")
		forged.Set("_page_tag", h["_page_tag"])
		if status, _ := e.post("/f/newsletter", forged.Encode(), "Referer", e.srv.URL+"/f/newsletter"); status != 200 {
			t.Fatalf("forged page: %d", status)
		}
		if n := e.count(`SELECT COUNT(*) FROM consent_events WHERE page_url = $1`, e.srv.URL+"/f/newsletter"); n != 1 {
			t.Errorf("forged page address: %d events with the hosted page", n)
		}

		// The hosted page left open past the maximum fill time.
		_, page = e.get("/f/newsletter")
		stale := subscribe("stale@exemple.fr")
		stale.Set("_started", startedPattern.FindStringSubmatch(page)[1])
		e.clock = e.clock.Add(13 * time.Hour)
		if status, body := e.post("/f/newsletter", stale.Encode()); status != 200 || !strings.Contains(body, "confirm-submission") {
			t.Fatalf("stale page: %d %.300s", status, body)
		}
		if e.personByEmail("stale@exemple.fr") != "" {
			t.Error("a stale submission was recorded")
		}
	})
}

// TestFormEmbedScriptConfirm: the embed script's JSON post without a start
// time (its fetch of /started failed) gets a fresh one to send again;
// nothing is recorded until it does.
func TestFormEmbedScriptConfirm(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		sent := subscribe("script@exemple.fr")
		status, body := e.post("/f/newsletter", sent.Encode(), "Accept", "application/json")
		var doc struct {
			OK      bool   `json:"ok"`
			Confirm bool   `json:"confirm"`
			Started string `json:"started"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || status != 200 || doc.OK || !doc.Confirm || doc.Started == "" ||
			!strings.Contains(doc.Message, "confirmer") {
			t.Fatalf("first post: %d %s", status, body)
		}
		if n := e.written(); n != 0 {
			t.Fatalf("the first post wrote %d rows", n)
		}
		sent.Set("_started", doc.Started)
		if status, body := e.post("/f/newsletter", sent.Encode(), "Accept", "application/json"); status != 200 || !strings.Contains(body, `"ok":true`) {
			t.Fatalf("second post: %d %s", status, body)
		}
		if e.personByEmail("script@exemple.fr") == "" {
			t.Error("not recorded")
		}
		if _, js := e.get("/pub/embed.js"); !strings.Contains(js, "d.confirm") {
			t.Error("the embed script does not handle a confirmation")
		}
	})
}
