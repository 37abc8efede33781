package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// FuzzCreatePerson posts arbitrary bodies to POST /api/v1/people on SQLite:
// whatever the body, the answer is never a 500, and it is either a created
// person or a JSON error document with a code.
//
//	go test -run=^$ -fuzz=FuzzCreatePerson -fuzztime=30s ./internal/api/
func FuzzCreatePerson(f *testing.F) {
	for _, seed := range []string{
		`{"first_name":"Élodie","last_name":"Lefèvre","emails":["elodie@example.fr"],"phones":["06 12 34 56 78"]}`,
		`{"last_name":"Martin","address":{"line1":"1 rue X","city":"Lyon","country":"fr"},"lifecycle":"customer","audience":"b2c"}`,
		`{"emails":["a@bücher.example"],"origin":"trade_show","origin_detail":"Salon","collected_at":"2025-06-01T10:00:00+02:00"}`,
		`{"last_name":"X","custom":{"size":3},"organisation_id":"00000000-0000-4000-8000-000000000000"}`,
		`{"last_name":"X","id":"ignored","created_at":5,"organisation_name":null}`,
		`{"first_name": 5}`, `{"last_name": "X"`, `{"nickname":"Z"}`, `{"address":{"street":"x"}}`,
		`[]`, `null`, ``, `{"last_name":"\u0000"}`, `{"emails":["x@"],"phones":["+999"]}`,
		`{"last_name":"X","collected_at":"0000-01-01T00:00:00Z"}`, `{"last_name":"X"} trailing`,
	} {
		f.Add(seed)
	}
	e := newEnv(f, sqldbtest.Open(f, sqldb.SQLite))
	auth := "Bearer " + e.secrets["admin"]
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/people", strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		var doc struct {
			ID    string `json:"id"`
			Error *struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("status %d, body is not JSON (%v): %s", rec.Code, err, rec.Body)
		}
		switch {
		case rec.Code == http.StatusCreated && doc.ID == "":
			t.Fatalf("201 without an id: %s", rec.Body)
		case rec.Code == http.StatusCreated:
			// Each input must meet the same database: were the person kept,
			// running the input again would answer 409, and the fuzzer would
			// spend its minimisation time on coverage it cannot reproduce.
			if err := e.crm.DeletePerson(context.Background(), e.wsA.ID, doc.ID); err != nil {
				t.Fatal(err)
			}
		case doc.Error == nil || doc.Error.Code == "":
			t.Fatalf("status %d without an error code: %s", rec.Code, rec.Body)
		}
	})
}
