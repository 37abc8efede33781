package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// importDone posts a CSV import and waits for it to end.
func importDone(t *testing.T, e *env, csv, options string) string {
	t.Helper()
	status, out := postImport(t, e, "sales", csv, options)
	if status != http.StatusAccepted {
		t.Fatalf("import: %d %v", status, out)
	}
	e.jobs.Wait()
	return out["id"].(string)
}

// TestImportReviewsAPI: the rows held under the review policy are listed
// with cursor pagination and resolved one by one; a second resolution
// changes nothing; refusals are conflicts naming the person.
func TestImportReviewsAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		opts := `{"origin":"partner","origin_detail":"Fichier du partenaire X","legal_basis":"legitimate_interest","dedupe":"%s"}`
		importDone(t, e, "Prénom;Nom;E-mail;Téléphone\nÉlodie;Lefèvre;elodie@exemple.fr;\nJean;Dupont;jean@exemple.fr;\nLéa;Petit;;07 81 22 33 44\n",
			strings.Replace(opts, "%s", "skip", 1))
		id := importDone(t, e, "Prénom;Nom;E-mail;Téléphone;Fonction\nÉlodie;Lefèvre;ELODIE@exemple.fr;;Gérante\n"+
			"Jean;Dupond;jean@exemple.fr;;\nLéa;Petit-Martin;;07 81 22 33 44;\n", strings.Replace(opts, "%s", "review", 1))
		base := "/api/v1/imports/" + id + "/reviews"

		var page struct {
			Data []struct {
				Line        int64   `json:"line"`
				Status      string  `json:"status"`
				PersonID    string  `json:"person_id"`
				EmailOwner  *string `json:"email_owner_id"`
				Differences []struct {
					Field   string `json:"field"`
					Differs bool   `json:"differs"`
				} `json:"differences"`
				File *struct {
					JobTitle string `json:"job_title"`
				} `json:"file"`
			} `json:"data"`
			NextCursor *string `json:"next_cursor"`
			Waiting    int64   `json:"waiting"`
		}
		r := e.do(t, "GET", base+"?limit=2", "sales", "")
		if err := json.Unmarshal([]byte(r.body), &page); r.status != 200 || err != nil {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		if len(page.Data) != 2 || page.Waiting != 3 || page.NextCursor == nil || *page.NextCursor != "3" ||
			page.Data[0].Line != 2 || page.Data[0].File.JobTitle != "Gérante" || page.Data[0].EmailOwner == nil {
			t.Fatalf("first page: %s", r.body)
		}
		elodie := page.Data[0].PersonID
		if !strings.Contains(r.body, `{"field":"job_title","current":"","file":"Gérante","differs":true}`) {
			t.Errorf("differences: %s", r.body)
		}
		if r = e.do(t, "GET", base+"?cursor="+*page.NextCursor, "sales", ""); r.status != 200 ||
			!strings.Contains(r.body, `"line":4`) || !strings.Contains(r.body, `"next_cursor":null`) {
			t.Fatalf("second page: %d %s", r.status, r.body)
		}
		for _, bad := range []string{"?cursor=x", "?limit=0", "?state=all"} {
			if r = e.do(t, "GET", base+bad, "sales", ""); r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d", bad, r.status)
			}
		}

		for _, tc := range []struct {
			name, line, token, body string
			status                  int
			want                    string
		}{
			{"Reader", "2", "reader", `{"resolution":"update"}`, http.StatusForbidden, ""},
			{"OtherWorkspace", "2", "other", `{"resolution":"update"}`, http.StatusNotFound, ""},
			{"UnknownResolution", "2", "sales", `{"resolution":"merge"}`, http.StatusUnprocessableEntity, `"resolution"`},
			{"UnknownField", "2", "sales", `{"resolution":"update","force":true}`, http.StatusBadRequest, ""},
			{"NoLine", "9", "sales", `{"resolution":"update"}`, http.StatusNotFound, ""},
			{"BadLine", "x", "sales", `{"resolution":"update"}`, http.StatusNotFound, ""},
			{"ErrEmailTaken", "2", "sales", `{"resolution":"create"}`, http.StatusConflict, `"related_id":"` + elodie + `"`},
			{"Update", "2", "sales", `{"resolution":"update"}`, 200, `"changed":true`},
			{"UpdateAgain", "2", "sales", `{"resolution":"update"}`, 200, `"changed":false`},
			{"ErrResolvedOtherwise", "2", "sales", `{"resolution":"discard"}`, http.StatusConflict, ""},
			{"CreateByPhone", "4", "sales", `{"resolution":"create"}`, 200, `"resolution":"create"`},
			{"Discard", "3", "sales", `{"resolution":"discard"}`, 200, `"file":null`},
		} {
			r := e.do(t, "POST", base+"/"+tc.line, tc.token, tc.body)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Errorf("%s: %d %s", tc.name, r.status, r.body)
			}
		}
		r = e.do(t, "GET", "/api/v1/imports/"+id, "sales", "")
		if !strings.Contains(r.body, `"review":0`) || !strings.Contains(r.body, `"updated":1`) || !strings.Contains(r.body, `"created":1`) {
			t.Errorf("import counts: %s", r.body)
		}
		r = e.do(t, "GET", base+"?state=resolved", "sales", "")
		if r.status != 200 || strings.Count(r.body, `"status":"resolved"`) != 3 || !strings.Contains(r.body, `"resolved_by_kind":"api_token"`) {
			t.Errorf("resolved: %d %s", r.status, r.body)
		}
		p, err := e.crm.Person(t.Context(), e.wsA.ID, elodie)
		if err != nil || p.JobTitle != "Gérante" {
			t.Errorf("Élodie: %+v %v", p, err)
		}
	})
}

// TestImportCancelAPI: a finished import cannot be cancelled; an import
// that has not run yet is asked to stop.
func TestImportCancelAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		id := importDone(t, e, "E-mail\nelodie@exemple.fr\n",
			`{"origin":"partner","origin_detail":"Fichier X","legal_basis":"legitimate_interest"}`)
		if r := e.do(t, "POST", "/api/v1/imports/"+id+"/cancel", "sales", ""); r.status != http.StatusConflict {
			t.Fatalf("finished: %d %s", r.status, r.body)
		}
		waiting := &importer.Import{WorkspaceID: e.wsA.ID, Format: importer.CSV, Header: []string{"email"},
			Mapping: importer.Mapping{importer.FieldEmail}, Options: importer.Options{Origin: crm.OriginPartner,
				OriginDetail: "Fichier Y", LegalBasis: consent.BasisLegitimateInterest}}
		if err := e.jobs.Service.Prepare(t.Context(), waiting); err != nil {
			t.Fatal(err)
		}
		for range 2 { // asking twice is the same
			r := e.do(t, "POST", "/api/v1/imports/"+waiting.PublicID+"/cancel", "sales", "")
			if r.status != 200 || !strings.Contains(r.body, `"cancel_requested":true`) || !strings.Contains(r.body, `"status":"pending"`) {
				t.Fatalf("cancel: %d %s", r.status, r.body)
			}
		}
		for _, tc := range []struct {
			path, token string
			status      int
		}{
			{"/api/v1/imports/" + id + "/cancel", "reader", http.StatusForbidden},
			{"/api/v1/imports/" + id + "/cancel", "other", http.StatusNotFound},
			{"/api/v1/imports/not-an-id/cancel", "sales", http.StatusNotFound},
		} {
			if r := e.do(t, "POST", tc.path, tc.token, ""); r.status != tc.status {
				t.Errorf("%s as %s: %d", tc.path, tc.token, r.status)
			}
		}
	})
}
