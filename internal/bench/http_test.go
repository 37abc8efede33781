package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
)

const benchPassword = "benchmark password"

// server starts the whole application on a dataset and returns a client
// logged in as an admin, and an API token.
func server(b *testing.B, d *dataset) (*httptest.Server, *http.Client, string) {
	b.Helper()
	a, err := app.New(benchCtx(), d.db, app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	u, _, err := sqldb.AuthStore{DB: d.db}.UserByEmail(benchCtx(), "bench@bench.example")
	if errs.Is(err, errs.NotFound) {
		u, err = a.Auth.CreateUser(benchCtx(), "bench@bench.example", "Bench", benchPassword, "fr")
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Auth.AddMember(benchCtx(), u.ID, d.ws.ID, auth.RoleAdmin, true); err != nil {
		b.Fatal(err)
	}
	_, token, err := a.Auth.CreateToken(benchCtx(), d.ws.ID, u.ID, "bench", auth.RoleAdmin, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(srv.URL+"/login", url.Values{"email": {"bench@bench.example"}, "password": {benchPassword}})
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("login: %v %v", res, err)
	}
	res.Body.Close()
	return srv, c, token
}

func get(b *testing.B, c *http.Client, u string) {
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d", u, res.StatusCode)
	}
}

// BenchmarkPeoplePageHTTP is the whole request for the people list page:
// session, page and capped count, audit entry, template.
func BenchmarkPeoplePageHTTP(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		srv, c, _ := server(b, d)
		for b.Loop() {
			get(b, c, srv.URL+"/people")
		}
	})
}

// BenchmarkCreatePersonAPI is POST /api/v1/people end to end, audit
// entry included.
func BenchmarkCreatePersonAPI(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		srv, _, token := server(b, d)
		run, i := time.Now().UnixNano(), 0
		for b.Loop() {
			body, _ := json.Marshal(map[string]any{"first_name": "Api", "last_name": fmt.Sprintf("Bench %d", i),
				"emails": []string{fmt.Sprintf("api.%d.%d@bench.example", run, i)}, "phones": []string{"0612345678"}})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/people", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			out, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				b.Fatalf("status %d: %s", res.StatusCode, strings.TrimSpace(string(out)))
			}
			i++
		}
	})
}
