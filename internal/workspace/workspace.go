// Package workspace defines workspaces: the tenants of a Registre
// installation, isolated from each other in every query.
package workspace

import (
	"regexp"
	"strings"
	"time"

	"github.com/registre/registre/internal/errs"
)

// Suppression policies: what happens when a person is created or edited
// with an address on the suppression list.
const (
	SuppressionRefuse = "refuse" // the write is refused (default)
	SuppressionFlag   = "flag"   // the person is stored, marked suppressed, never contactable
)

// Workspace is a tenant: one company's CRM.
type Workspace struct {
	ID        int64
	PublicID  string
	Slug      string
	Name      string
	Locale    string
	CreatedAt time.Time
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Validate checks a new workspace; the error is an Invalid *errs.Error.
func (w *Workspace) Validate() error {
	var v errs.Validation
	w.Slug = strings.ToLower(strings.TrimSpace(w.Slug))
	w.Name = strings.TrimSpace(w.Name)
	if !slugPattern.MatchString(w.Slug) {
		v.Add("slug", "must be 2 to 40 characters: a-z, 0-9 and -")
	}
	if w.Name == "" || len(w.Name) > 200 {
		v.Add("name", "is required (at most 200 characters)")
	}
	if w.Locale == "" {
		w.Locale = "fr"
	}
	if w.Locale != "fr" && w.Locale != "en" {
		v.Add("locale", "must be fr or en")
	}
	return v.Err()
}
