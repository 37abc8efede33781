package api_test

import (
	"bytes"
	"encoding/json"
	"io"

	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func postImport(t *testing.T, e *env, token, csv, options string) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csv != "" {
		fw, _ := mw.CreateFormFile("file", "contacts.csv")
		fw.Write([]byte(csv))
	}
	mw.WriteField("options", options)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.secrets[token])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestImportAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		csv := "Prénom;Nom;E-mail\nÉlodie;Lefèvre;elodie@exemple.fr\nJean;Dupont;pas-un-email\n"
		opts := `{"origin":"partner","origin_detail":"Fichier du partenaire X","legal_basis":"legitimate_interest","dedupe":"skip"}`
		if status, _ := postImport(t, e, "reader", csv, opts); status != http.StatusForbidden {
			t.Fatalf("reader: %d", status)
		}
		if status, out := postImport(t, e, "sales", csv, `{"origin":"partner","legal_basis":"consent"}`); status != http.StatusUnprocessableEntity ||
			!strings.Contains(jsonText(out), "proof_ref") {
			t.Fatalf("without detail and proof: %d %v", status, out)
		}
		if status, out := postImport(t, e, "sales", "", opts); status != http.StatusUnprocessableEntity || !strings.Contains(jsonText(out), "file") {
			t.Fatalf("without file: %d %v", status, out)
		}
		status, out := postImport(t, e, "sales", csv, opts)
		if status != http.StatusAccepted {
			t.Fatalf("import: %d %v", status, out)
		}
		id := out["id"].(string)
		e.jobs.Wait()
		r := e.do(t, "GET", "/api/v1/imports/"+id, "sales", "")
		if r.status != 200 || !strings.Contains(r.body, `"status":"done"`) || !strings.Contains(r.body, `"created":1`) || !strings.Contains(r.body, `"invalid":1`) {
			t.Fatalf("status: %d %s", r.status, r.body)
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/imports/"+id+"/report", nil)
		req.Header.Set("Authorization", "Bearer "+e.secrets["sales"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		report, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(report), "3;E-mail;invalid;") || strings.Contains(string(report), "pas-un-email") {
			t.Fatalf("report: %d %s", resp.StatusCode, report)
		}
		if r = e.do(t, "GET", "/api/v1/imports/"+id, "other", ""); r.status != http.StatusNotFound {
			t.Fatalf("other workspace: %d", r.status)
		}
	})
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
