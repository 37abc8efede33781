package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// withProof is a consent proof as a web form sends it through a client.
const withProof = `"proof":{"source_kind":"form","source_id":"newsletter-footer","source_version":"3",
	"wording":"Je souhaite recevoir la newsletter.","page_url":"https://example.fr/","ip":"203.0.113.7","user_agent":"Firefox"}`

func TestConsentRecordAndRead(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		const consentOf = "/api/v1/people/{c}/consent"
		steps := []step{
			{name: "B2C person", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "c",
				body: `{"last_name":"Durand","emails":["durand@example.fr"],"audience":"b2c"}`},
			{name: "B2B person", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "b",
				body: `{"last_name":"Martin","emails":["martin@acme.example"],"audience":"b2b"}`},

			{name: "purposes", method: "GET", path: "/api/v1/purposes", token: "reader", status: 200,
				want: []string{`{"key":"email_marketing","label_fr":"Prospection commerciale par e-mail","label_en":"Email marketing","channel":"email","kind":"marketing"}`,
					`{"key":"profiling","label_fr":"Profilage et mesure d'ouverture","label_en":"Profiling and open tracking","channel":null,"kind":"profiling"}`}},
			{name: "state before", method: "GET", path: consentOf, token: "reader", status: 200,
				want: []string{`"email_marketing":{"state":"none","at":null}`, `"third_party_sharing":{"state":"none","at":null}`,
					`"opposed_all":{"on":false,"at":null}`, `"suppressed":{"on":false,"at":null}`, `"opt_in":false`}},
			{name: "proof before", method: "GET", path: consentOf + "/proof", token: "reader", status: 200,
				want: []string{`"person_id":"{c}"`, `"events":[]`, `"chain_problem":null`}},

			// A consumer's consent needs its proof.
			{name: "B2C grant without proof", method: "POST", path: consentOf, token: "sales", status: 422,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}]}`,
				want: []string{`"code":"invalid"`, `"proof.source_id":"is required to record a consumer's consent`}},
			{name: "B2C grant with a note only", method: "POST", path: consentOf, token: "sales", status: 422,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}],"proof":{"note":"she said yes"}}`,
				want: []string{`"proof.source_id":`}},
			{name: "B2C confirm without proof", method: "POST", path: consentOf, token: "sales", status: 422,
				body: `{"changes":[{"purpose":"sms_marketing","action":"request"},{"purpose":"sms_marketing","action":"confirm"}]}`,
				want: []string{`"proof.source_id":`}},
			{name: "grant with proof", method: "POST", path: consentOf, token: "sales", status: 201,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}],` + withProof + `}`,
				want: []string{`"seq":1,`, `"person_id":"{c}"`, `"purpose":"email_marketing"`, `"action":"grant"`,
					`"actor_kind":"api_token","actor_id":"` + e.tokenIDs["sales"] + `"`, `"legal_basis":"consent"`,
					`"source_kind":"form","source_id":"newsletter-footer","source_version":"3"`, `"wording_sha256":"`,
					`"ip":"203.0.113.7"`, `"prev_hash":""`}},
			{name: "state after", method: "GET", path: consentOf, token: "reader", status: 200,
				want: []string{`"email_marketing":{"state":"granted","at":"20`, `"sms_marketing":{"state":"none","at":null}`, `"opt_in":true`}},
			{name: "B2B grant needs no form", method: "POST", path: "/api/v1/people/{b}/consent", token: "sales", status: 201,
				body: `{"changes":[{"purpose":"phone_prospecting","action":"grant"}]}`,
				want: []string{`"seq":2,`, `"source_kind":"api"`}},
			{name: "objection and withdrawal together", method: "POST", path: consentOf, token: "sales", status: 201,
				body: `{"changes":[{"flag":"opposed_all","action":"set"},{"purpose":"email_marketing","action":"withdraw"}],"proof":{"source_kind":"portal"}}`,
				want: []string{`"flag":"opposed_all","action":"set"`, `"purpose":"email_marketing","action":"withdraw"`}},
			{name: "state withdrawn", method: "GET", path: consentOf, token: "reader", status: 200,
				want: []string{`"email_marketing":{"state":"withdrawn"`, `"opposed_all":{"on":true,"at":"20`, `"opt_in":false`}},
			{name: "proof after", method: "GET", path: consentOf + "/proof", token: "reader", status: 200,
				want: []string{`"current_state":{"consents":{"email_marketing":{"state":"withdrawn"`, `"chain_problem":null`,
					`"wording":"Je souhaite recevoir la newsletter."`, `"source_kind":"portal"`,
					// The objection put the addresses on the suppression list.
					`"flag":"suppressed","action":"set","actor_kind":"system"`}},
			{name: "verify", method: "GET", path: "/api/v1/consent/ledger/verify", token: "admin", status: 200,
				want: []string{`"ok":true,"events":5,"head_seq":5,`, `"problem":null`}},
			{name: "verify needs audit", method: "GET", path: "/api/v1/consent/ledger/verify", token: "sales", status: 403,
				want: []string{`does not have the audit permission`}},
			{name: "reader cannot record", method: "POST", path: consentOf, token: "reader", status: 403,
				body: `{"changes":[{"flag":"opposed_all","action":"clear"}]}`, want: []string{`"code":"forbidden"`}},
		}
		run(t, e, steps)
		if logs := e.logs.String(); logs != "" {
			t.Errorf("unexpected logs: %s", logs)
		}

		// The service wrote the audit entry, with the token as actor.
		entries, err := (sqldb.AuditStore{DB: db}).List(context.Background(), audit.Filter{WorkspaceID: e.wsA.ID, Action: "consent.record", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 {
			t.Fatalf("%d consent.record entries, want 3", len(entries))
		}
		for _, en := range entries {
			if en.Actor.Kind != audit.ActorAPIToken || en.Actor.ID != e.tokenIDs["sales"] || en.RequestID == "" {
				t.Errorf("consent.record by %+v (request %q)", en.Actor, en.RequestID)
			}
		}
	})
}

// TestConsentErrors checks that every refused change writes nothing: the
// ledger is compared before and after.
func TestConsentErrors(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ids := run(t, e, []step{
			{name: "person", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "c",
				body: `{"last_name":"Durand","emails":["durand@example.fr"],"audience":"b2c"}`},
			{name: "objection", method: "POST", path: "/api/v1/people/{c}/consent", token: "admin", status: 201,
				body: `{"changes":[{"flag":"opposed_all","action":"set"}]}`},
		})
		path := "/api/v1/people/" + ids["c"] + "/consent"
		before := e.do(t, "GET", path+"/proof", "admin", "").body
		ledgerBefore := e.do(t, "GET", "/api/v1/consent/ledger/verify", "admin", "").body
		for _, tt := range []struct {
			name   string
			body   string
			status int
			want   []string
		}{
			{"impossible transition", `{"changes":[{"purpose":"email_marketing","action":"grant"},{"purpose":"sms_marketing","action":"withdraw"}],` + withProof + `}`,
				409, []string{`"code":"conflict"`, `"message":"Cannot withdraw a consent that is none."`, `"changes[1].action":"is not possible in the current state"`}},
			{"flag already set", `{"changes":[{"flag":"opposed_all","action":"set"}]}`,
				409, []string{`"message":"The flag opposed_all is already set."`, `"changes[0].action":`}},
			{"confirm not pending", `{"changes":[{"purpose":"email_marketing","action":"confirm"}],` + withProof + `}`,
				409, []string{`"changes[0].action":`}},
			{"unknown purpose", `{"changes":[{"purpose":"newsletter","action":"grant"}],` + withProof + `}`,
				422, []string{`"fields":{"changes[0].purpose":"is not a purpose of this workspace"}`}},
			{"unknown flag", `{"changes":[{"flag":"opposed_everything","action":"set"}]}`,
				422, []string{`"fields":{"changes[0].flag":"is not a known flag"}`}},
			{"suppression flag", `{"changes":[{"flag":"suppressed","action":"clear"}]}`,
				422, []string{`"fields":{"changes[0].flag":"is kept by the suppression list`}},
			{"flag action on a purpose", `{"changes":[{"flag":"opposed_all","action":"clear"},{"purpose":"email_marketing","action":"set"}]}`,
				422, []string{`"fields":{"changes[1].action":"must be request, confirm, grant or withdraw for a purpose"}`}},
			{"purpose and flag", `{"changes":[{"purpose":"email_marketing","flag":"opposed_all","action":"set"}]}`,
				422, []string{`"changes[0].flag":"must be left out when purpose is given`}},
			{"neither", `{"changes":[{"action":"grant"}]}`, 422, []string{`"changes[0].purpose":"is required unless flag is given"`}},
			{"no changes", `{"changes":[]}`, 422, []string{`"changes":"must list at least one change"`}},
			{"too many changes", `{"changes":[` + strings.Repeat(`{"flag":"bloctel","action":"set"},`, 50) + `{"flag":"bloctel","action":"set"}]}`,
				422, []string{`"changes":"must list at most 50 changes"`}},
			{"unknown source", `{"changes":[{"flag":"bloctel","action":"set"}],"proof":{"source_kind":"rumour"}}`,
				422, []string{`"fields":{"proof.source_kind":"is not a known source"}`}},
			{"unknown legal basis", `{"changes":[{"flag":"bloctel","action":"set"}],"proof":{"legal_basis":"whim"}}`,
				422, []string{`"proof.legal_basis":"is not a known legal basis"`}},
			{"staff grant without note", `{"changes":[{"purpose":"email_marketing","action":"grant"}],"proof":{"source_kind":"staff","source_id":"x"}}`,
				422, []string{`"proof.note":`}},
			{"unknown field in a change", `{"changes":[{"flag":"bloctel","action":"set"},{"purpos":"x"}]}`,
				400, []string{`field changes[1].purpos is not a known field`}},
			{"unknown field in proof", `{"changes":[{"flag":"bloctel","action":"set"}],"proof":{"ip_address":"x"}}`,
				400, []string{`field proof.ip_address is not a known field`}},
			{"wrong type in a change", `{"changes":[{"flag":"bloctel","action":1}]}`,
				400, []string{`field changes.action must be a string, not number`}},
			{"changes not an array", `{"changes":{"flag":"bloctel"}}`, 400, []string{`field changes must be an array, not object`}},
			{"empty body", ``, 400, []string{`body is empty`}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do(t, "POST", path, "admin", tt.body)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.body, w) {
						t.Errorf("body lacks %s: %s", w, r.body)
					}
				}
			})
		}
		if after := e.do(t, "GET", path+"/proof", "admin", "").body; after != before {
			t.Errorf("a refused change was written:\nbefore %s\nafter  %s", before, after)
		}
		if after := e.do(t, "GET", "/api/v1/consent/ledger/verify", "admin", "").body; after != ledgerBefore || !strings.Contains(after, `"ok":true`) {
			t.Errorf("ledger after refused changes: %s, before %s", after, ledgerBefore)
		}
		if logs := e.logs.String(); logs != "" {
			t.Errorf("unexpected logs: %s", logs)
		}
	})
}

func TestContactableCount(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ids := run(t, e, []step{
			{name: "c1", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "c1",
				body: `{"last_name":"Un","emails":["un@example.fr"],"audience":"b2c"}`},
			{name: "c2", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "c2",
				body: `{"last_name":"Deux","emails":["deux@example.fr"],"audience":"b2c"}`},
			{name: "c3 without consent", method: "POST", path: "/api/v1/people", token: "admin", status: 201,
				body: `{"last_name":"Trois","emails":["trois@example.fr"],"audience":"b2c"}`},
			{name: "b2b", method: "POST", path: "/api/v1/people", token: "admin", status: 201,
				body: `{"last_name":"Pro","emails":["pro@acme.example"],"audience":"b2b"}`},
			{name: "grant c1", method: "POST", path: "/api/v1/people/{c1}/consent", token: "admin", status: 201,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}],` + withProof + `}`},
			{name: "grant c2", method: "POST", path: "/api/v1/people/{c2}/consent", token: "admin", status: 201,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}],` + withProof + `}`},
			// Workspace B's people are never counted in A.
			{name: "B's person", method: "POST", path: "/api/v1/people", token: "other", status: 201, save: "z",
				body: `{"last_name":"Autre","emails":["autre@globex.example"],"audience":"b2c"}`},
			{name: "B's grant", method: "POST", path: "/api/v1/people/{z}/consent", token: "other", status: 201,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}],` + withProof + `}`},
		})
		const count = "/api/v1/consent/contactable?purpose=email_marketing&channel=email"
		// c1, c2 (consent) and the B2B person (B2B email marketing needs no
		// prior consent) may be emailed; c3 may not.
		if n := e.count(t, count); n != 3 {
			t.Fatalf("contactable before objection: %d, want 3", n)
		}
		if n := e.count(t, "/api/v1/consent/contactable?purpose=email_marketing"); n != 3 {
			t.Errorf("contactable on the purpose's channel: %d, want 3", n)
		}
		run(t, e, []step{{name: "objection", method: "POST", path: "/api/v1/people/" + ids["c1"] + "/consent", token: "sales",
			status: 201, body: `{"changes":[{"flag":"opposed_all","action":"set"}]}`}})
		if n := e.count(t, count); n != 2 {
			t.Errorf("contactable after objection: %d, want 2", n)
		}
		if n := e.count(t, "/api/v1/consent/contactable?purpose=profiling"); n != 0 {
			t.Errorf("profiling: %d, want 0", n)
		}
		run(t, e, []step{
			{name: "no purpose", method: "GET", path: "/api/v1/consent/contactable?channel=email", token: "reader", status: 422,
				want: []string{`"fields":{"purpose":"is required"}`}},
			{name: "unknown purpose", method: "GET", path: "/api/v1/consent/contactable?purpose=newsletter&channel=email", token: "reader",
				status: 422, want: []string{`"fields":{"purpose":"is not a purpose of this workspace"}`}},
			{name: "B's purposes are not A's", method: "GET", path: "/api/v1/consent/contactable?purpose=nope", token: "other",
				status: 422, want: []string{`"purpose":`}},
			{name: "unknown channel", method: "GET", path: "/api/v1/consent/contactable?purpose=email_marketing&channel=fax", token: "reader",
				status: 422, want: []string{`"channel":"must be email, sms, phone or postal"`}},
			{name: "other channel", method: "GET", path: "/api/v1/consent/contactable?purpose=email_marketing&channel=sms", token: "reader",
				status: 422, want: []string{`"channel":"must be email for this purpose"`}},
			{name: "channel of a silent purpose", method: "GET", path: "/api/v1/consent/contactable?purpose=profiling&channel=email",
				token: "reader", status: 422, want: []string{`"channel":"must be left out`}},
			{name: "unknown parameter", method: "GET", path: "/api/v1/consent/contactable?purpose=email_marketing&at=now", token: "reader",
				status: 400, want: []string{`parameter at is not a known parameter`}},
			{name: "no token", method: "GET", path: count, status: 401},
		})
		entries, err := (sqldb.AuditStore{DB: db}).List(context.Background(), audit.Filter{WorkspaceID: e.wsA.ID, Action: "consent.count", Limit: 50})
		if err != nil || len(entries) != 4 || entries[0].Actor.Kind != audit.ActorAPIToken {
			t.Errorf("consent.count entries: %v %+v", err, entries)
		}
	})
}

// count reads a contactable count with the reader token.
func (e *env) count(t *testing.T, path string) int {
	t.Helper()
	r := e.do(t, "GET", path, "reader", "")
	var doc struct {
		Count *int `json:"count"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || r.status != http.StatusOK || doc.Count == nil {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return *doc.Count
}

// TestConsentIsolation checks that a token of workspace A can neither read
// nor change the consent of B's people, which answer like missing ids.
func TestConsentIsolation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		b := run(t, e, []step{
			{name: "B person", method: "POST", path: "/api/v1/people", token: "other", status: 201, save: "person",
				body: `{"last_name":"Secretname","emails":["zoe@globex.example"],"audience":"b2b"}`},
			{name: "B grant", method: "POST", path: "/api/v1/people/{person}/consent", token: "other", status: 201,
				body: `{"changes":[{"purpose":"email_marketing","action":"grant"}]}`},
		})
		missing := "00000000-0000-4000-8000-000000000000"
		for _, id := range []string{b["person"], missing, "not-a-uuid"} {
			for _, c := range []struct{ method, path, body string }{
				{"GET", "/api/v1/people/" + id + "/consent", ""},
				{"POST", "/api/v1/people/" + id + "/consent", `{"changes":[{"purpose":"email_marketing","action":"withdraw"}]}`},
				{"POST", "/api/v1/people/" + id + "/consent", `{"changes":[{"flag":"opposed_all","action":"set"}]}`},
				{"GET", "/api/v1/people/" + id + "/consent/proof", ""},
			} {
				r := e.do(t, c.method, c.path, "admin", c.body)
				if r.status != http.StatusNotFound || !strings.Contains(r.body, `"message":"Person not found."`) {
					t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
				}
			}
		}
		// A's ledger is empty and B's has only B's event.
		for _, tc := range []struct {
			token  string
			events int
		}{{"admin", 0}, {"other", 1}} {
			r := e.do(t, "GET", "/api/v1/consent/ledger/verify", tc.token, "")
			if !strings.Contains(r.body, `"ok":true,"events":`+strconv.Itoa(tc.events)+`,`) {
				t.Errorf("%s's ledger: %s", tc.token, r.body)
			}
		}
		// B's audit log has no entry by A's token.
		entries, err := (sqldb.AuditStore{DB: db}).List(context.Background(), audit.Filter{WorkspaceID: e.wsB.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			if en.Actor.ID == e.tokenIDs["admin"] {
				t.Errorf("B's audit log has %s by A's token", en.Action)
			}
		}
		proof, err := e.consent.Proof(context.Background(), e.wsB.ID, b["person"])
		if err != nil || len(proof.Events) != 1 || proof.Events[0].ActorID != e.tokenIDs["other"] {
			t.Errorf("B's proof: %v %+v", err, proof)
		}
		if proof != nil && (proof.Projection.State("email_marketing") != "granted" || proof.Projection.On("opposed_all")) {
			t.Errorf("B's state changed: %+v", proof.Projection)
		}
	})
}
