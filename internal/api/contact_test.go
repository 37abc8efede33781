package api_test

import (
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestContactCheck asks the rules engine about one person through the API:
// the answer follows the person's facts, their call history on the
// timeline and the workspace's settings, which admins alone change.
func TestContactCheck(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		// Tuesday 1 December 2026, 11:00 in Paris: inside call hours, after
		// the date from which consumer calls need consent.
		const at = "at=2026-12-01T11:00:00%2B01:00"
		ids := run(t, e, []step{
			{name: "customer", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "c",
				body: `{"last_name":"Client","emails":["client@example.fr"],"phones":["06 12 34 56 78"],"audience":"b2c",
					"lifecycle":"customer","soft_opt_in":true}`, want: []string{`"soft_opt_in":true`}},
			{name: "prospect", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p",
				body: `{"last_name":"Prospect","phones":["06 12 34 56 79"],"audience":"b2c","lifecycle":"prospect"}`},
		})
		c, p := "/api/v1/people/"+ids["c"]+"/contact-check?", "/api/v1/people/"+ids["p"]+"/contact-check?"
		run(t, e, []step{
			{name: "customer may be called under the contract", method: "GET", path: c + "purpose=phone_prospecting&" + at, token: "reader",
				status: 200, want: []string{`"allowed":true`, `"reasons":["ongoing_contract"]`, `"channel":"phone"`, `"not_before":null`}},
			{name: "a prospect needs consent", method: "GET", path: p + "purpose=phone_prospecting&" + at, token: "reader",
				status: 200, want: []string{`"allowed":false`, `"reasons":["no_consent"]`}},
			{name: "a prospect without email", method: "GET", path: p + "purpose=email_marketing", token: "reader",
				status: 200, want: []string{`"allowed":false`, `"no_email"`}},
			{name: "soft opt-in is off by default", method: "GET", path: c + "purpose=email_marketing", token: "reader",
				status: 200, want: []string{`"allowed":false`, `"reasons":["no_consent"]`}},
			{name: "Sunday", method: "GET", path: c + "purpose=phone_prospecting&at=2026-12-06T11:00:00%2B01:00", token: "reader",
				status: 200, want: []string{`"allowed":false`, `"reasons":["outside_call_hours"]`, `"not_before":"2026-12-07T09:00:00Z"`}},

			{name: "refusal during a call", method: "POST", path: "/api/v1/activities", token: "sales", status: 201,
				body: `{"person_id":"` + ids["c"] + `","kind":"call","outcome":"refused","occurred_at":"2026-11-20T11:00:00+01:00","subject":"Relance"}`,
				want: []string{`"outcome":"refused"`}},
			// Sixty full days after 20 November: calls resume on 20 January
			// 2027, at 10:00 in Paris.
			{name: "no call for 60 days", method: "GET", path: c + "purpose=phone_prospecting&" + at, token: "reader",
				status: 200, want: []string{`"allowed":false`, `"reasons":["recent_refusal"]`, `"not_before":"2027-01-20T09:00:00Z"`}},
			{name: "an outcome is for calls", method: "POST", path: "/api/v1/activities", token: "sales", status: 422,
				body: `{"person_id":"` + ids["c"] + `","kind":"note","outcome":"refused","subject":"x"}`,
				want: []string{`"outcome":"is for calls only`}},

			{name: "sales may not change the rules", method: "PUT", path: "/api/v1/settings/contact", token: "sales", status: 403,
				body: `{"soft_opt_in":true}`},
			{name: "bad settings", method: "PUT", path: "/api/v1/settings/contact", token: "admin", status: 422,
				body: `{"soft_opt_in":true,"phone_consent_from":"11/08/2026","max_calls_per_30_days":40}`,
				want: []string{`"phone_consent_from":"must be a date written YYYY-MM-DD"`, `"max_calls_per_30_days":"must be between 1 and 10`}},
			{name: "defaults", method: "GET", path: "/api/v1/settings/contact", token: "reader", status: 200,
				want: []string{`"soft_opt_in":false`, `"phone_consent_from":"2026-08-11"`, `"max_calls_per_30_days":4`, `"refusal_quiet_days":60`}},
			{name: "turn soft opt-in on", method: "PUT", path: "/api/v1/settings/contact", token: "admin", status: 200,
				body: `{"soft_opt_in":true}`, want: []string{`"soft_opt_in":true`, `"max_calls_per_30_days":4`}},
			{name: "soft opt-in now applies", method: "GET", path: c + "purpose=email_marketing", token: "reader",
				status: 200, want: []string{`"allowed":true`, `"reasons":["soft_opt_in"]`}},

			{name: "unknown purpose", method: "GET", path: c + "purpose=fax", token: "reader", status: 422,
				want: []string{`"purpose":"is not a purpose of this workspace"`}},
			{name: "bad time", method: "GET", path: c + "purpose=email_marketing&at=tomorrow", token: "reader", status: 422,
				want: []string{`"at":"must be an RFC 3339 time`}},
			{name: "another workspace's person", method: "GET", path: c + "purpose=email_marketing", token: "other", status: 404},
		})
		// The count follows the workspace's settings too: the customer is
		// reachable by email under soft opt-in, the prospect has no email.
		if n := e.count(t, "/api/v1/consent/contactable?purpose=email_marketing"); n != 1 {
			t.Errorf("contactable by email with soft opt-in on: %d, want 1", n)
		}
	})
}
