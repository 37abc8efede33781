package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/i18n"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/workspace"
)

//go:embed templates
var templateFiles embed.FS

// view is what every page template receives; Data holds the page's own
// typed view model.
type view struct {
	Lang       i18n.Lang
	Title      string
	Nav        string
	User       *auth.User
	Member     *auth.Membership
	Workspace  *workspace.Workspace
	Workspaces []auth.Membership
	CSRF       string
	Flash      string
	RequestID  string
	// Errors maps form fields to what is wrong with them; Error is the
	// message shown above a form.
	Errors map[string]string
	Error  string
	// Related is the public id of an object an error is about.
	Related string
	Data    any
}

// Can reports whether the current user has a permission.
func (v *view) Can(p string) bool {
	return v.Member != nil && auth.Can(v.Member.Role, v.Member.IsDPO, auth.Permission(p))
}

// parsePages parses each page template with the shared layouts and partials,
// for one language: the t function is bound to it at parse time, so that
// rendering needs no per-request cloning.
func parsePages(lang i18n.Lang, a *assets) (map[string]*template.Template, error) {
	funcs := templateFuncs(lang, a)
	shared, err := template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/layout/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, path := range names {
		clone, err := shared.Clone()
		if err != nil {
			return nil, err
		}
		t, err := clone.ParseFS(templateFiles, path)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(strings.TrimPrefix(path, "templates/pages/"), ".html")
		pages[name] = t
	}
	return pages, nil
}

func templateFuncs(lang i18n.Lang, a *assets) template.FuncMap {
	return template.FuncMap{
		"t":        func(msg string) string { return i18n.T(lang, msg) },
		"msg":      func(msg string) string { return i18n.Msg(lang, msg) },
		"tf":       func(format string, args ...any) string { return i18n.Tf(lang, format, args...) },
		"asset":    a.URL,
		"icon":     func(name string) template.HTML { return iconHTML(a, name) },
		"date":     func(t time.Time) string { return i18n.Date(lang, t) },
		"num":      func(n int) string { return i18n.Number(lang, n) },
		"num64":    func(n int64) string { return i18n.Number(lang, int(n)) },
		"datetime": func(t time.Time) string { return i18n.DateTime(lang, t) },
		"isoDate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(i18n.Paris).Format("2006-01-02")
		},
		"isoDateTime": func(t time.Time) string { return t.In(i18n.Paris).Format("2006-01-02T15:04") },
		"phone":       crm.FormatPhone,
		"initials":    initials,
		"str":         func(v any) string { return fmt.Sprint(v) },
		"join":        strings.Join,
		"dict":        dict,
		"list":        func(xs ...string) []string { return xs },
		// The end of an id, not its start: a version 7 UUID begins with
		// its creation time, shared by everything created in a minute.
		"shortID": func(id string) string {
			if len(id) > 8 {
				return id[len(id)-8:]
			}
			return id
		},
		"activityIcon": activityIcon,
		"percent":      percent,
		"shortHash": func(h string) string {
			if len(h) > 16 {
				return h[:16] + "…"
			}
			return h
		},
		"local":    func(s string) string { return register.Local(s, string(lang)) },
		"ruleText": func(rr register.RetentionRule) string { return register.RuleText(rr, string(lang)) },
		"anyFlag": func(p *consent.Projection) bool {
			for _, f := range p.Flags {
				if f.On {
					return true
				}
			}
			return false
		},
	}
}

func iconHTML(a *assets, name string) template.HTML {
	return template.HTML(`<svg class="icon" aria-hidden="true" focusable="false"><use href="` +
		template.HTMLEscapeString(a.URL("vendor/icons.svg")) + `#tabler-` + template.HTMLEscapeString(name) + `"></use></svg>`)
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// dict builds a map for passing several values to a sub-template.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// render executes a page into a buffer first, so that a template error
// becomes a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) error {
	lang := v.Lang
	if lang == "" {
		lang = i18n.FR
	}
	t, ok := s.pages[lang][page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "page", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

func activityIcon(k crm.ActivityKind) string {
	switch k {
	case crm.KindCall:
		return "phone"
	case crm.KindMeeting:
		return "calendar-event"
	case crm.KindEmail:
		return "mail"
	case crm.KindFormSubmission:
		return "forms"
	case crm.KindPurchase:
		return "shopping-cart"
	case crm.KindNote:
		return "note"
	}
	return "dots"
}
