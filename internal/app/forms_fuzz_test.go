package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// FuzzFormSubmit posts arbitrary bodies to a published form: the answer is
// never a 5xx, and a refused submission stores nothing.
func FuzzFormSubmit(f *testing.F) {
	for _, seed := range []string{
		"email=a%40b.fr&consent.email_marketing=yes",
		"email=%FF%FE&first_name=%00",
		"email=a%40b.fr&email=c%40d.fr&first_name=" + strings.Repeat("x", 600),
		"email=%E2%80%AE%40x.fr&last_name=%ED%A0%80",
		"consent.third_party_sharing=yes&consent.transactional=yes&email=z%40z.fr",
		"website=x&email=spam%40x.fr",
		"%zz=1&email",
		"email=a%40b.fr&custom.unknown=1&country=zzz",
	} {
		f.Add(seed, "application/x-www-form-urlencoded")
	}
	f.Add("--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.fr\r\n--x--", "multipart/form-data; boundary=x")
	db := sqldbtest.Open(f, sqldb.SQLite)
	e := startForms(f, db)
	h := e.app.Handler()
	_, page := e.get("/f/newsletter")
	started := startedPattern.FindStringSubmatch(page)[1]
	people := func(t *testing.T) int {
		var n int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, body, ctype string) {
		before := people(t)
		req := httptest.NewRequest(http.MethodPost, "/f/newsletter", strings.NewReader(body+"&_started="+started))
		req.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			b, _ := io.ReadAll(w.Body)
			t.Fatalf("%d for %q: %.300s", w.Code, body, b)
		}
		if w.Code >= 400 && people(t) != before {
			t.Fatalf("a refused submission (%d) stored a person", w.Code)
		}
	})
}
