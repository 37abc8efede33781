package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// FuzzLogin posts arbitrary credentials and "next" values to the public
// login form: never a 500, never a redirect off the site.
func FuzzLogin(f *testing.F) {
	for _, s := range [][3]string{{adminEmail, adminPassword, "/people"}, {"a\x00b@x.fr", "x", "//evil.example"},
		{"Поп@exämple.fr", strings.Repeat("p", 300), "/\t/evil"}, {"", "", "https://evil.example"}} {
		f.Add(s[0], s[1], s[2])
	}
	db := sqldbtest.Open(f, sqldb.SQLite)
	fx := newFixture(f, db)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	f.Fuzz(func(t *testing.T, email, password, next string) {
		res, err := noFollow.PostForm(fx.srv.URL+"/login", url.Values{"email": {email}, "password": {password}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("status %d", res.StatusCode)
		}
		if loc := res.Header.Get("Location"); loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//")) {
			t.Fatalf("redirect to %q", loc)
		}
	})
}
