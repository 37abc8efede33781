package web

import (
	"net/http"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
)

type tokensData struct {
	Tokens    []auth.Token
	NewSecret string
	Roles     []auth.Role
	Name      string
	Role      string
}

func (s *Server) tokensView(r *http.Request, si *sessionInfo, d tokensData) (*view, error) {
	tokens, err := s.Users.Tokens(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	d.Tokens, d.Roles = tokens, auth.Roles
	v := s.newView(r, si, "API tokens", "settings")
	v.Data = d
	return v, nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, err := s.tokensView(r, si, tokensData{Role: string(auth.RoleReadOnly)})
	if err != nil {
		return err
	}
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "tokens", v)
}

// createToken shows the new secret once, on the response to the POST
// itself: it is never stored in clear, nor put in a redirect URL.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	name, role := r.PostFormValue("name"), r.PostFormValue("role")
	var ttl time.Duration
	if days := atoi(r.PostFormValue("days")); days > 0 {
		ttl = time.Duration(min(days, 3650)) * 24 * time.Hour // ten years at most: no overflow into "never"
	}
	_, secret, err := s.Auth.CreateToken(r.Context(), si.workspace.ID, si.user.ID, name, auth.Role(role), ttl)
	v, verr := s.tokensView(r, si, tokensData{NewSecret: secret, Name: name, Role: role})
	if verr != nil {
		return verr
	}
	if err != nil {
		return s.formError(w, r, si, "tokens", v, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "tokens", v)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	if err := s.Auth.RevokeToken(r.Context(), si.workspace.ID, r.PathValue("id")); err != nil {
		return err
	}
	s.setFlash(w, "Token revoked.")
	http.Redirect(w, r, "/settings/tokens", http.StatusSeeOther)
	return nil
}

type fieldsData struct {
	Fields []crm.CustomField
	Form   crm.CustomField
	Kinds  []crm.FieldKind
	Raw    string
	// Categories are the register's data categories a field may collect.
	Categories []string
}

func (s *Server) fieldsView(r *http.Request, si *sessionInfo, d fieldsData) (*view, error) {
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	d.Fields, d.Kinds, d.Categories = fields, crm.FieldKinds, crm.FieldCategories
	v := s.newView(r, si, "Custom fields", "settings")
	v.Data = d
	return v, nil
}

func (s *Server) listFields(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, err := s.fieldsView(r, si, fieldsData{Form: crm.CustomField{Entity: crm.EntityPerson, Kind: crm.FieldText}})
	if err != nil {
		return err
	}
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "fields", v)
}

func (s *Server) createField(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	raw := r.PostFormValue("options")
	f := crm.CustomField{Entity: crm.Entity(r.PostFormValue("entity")), Key: r.PostFormValue("key"),
		Label: r.PostFormValue("label"), Kind: crm.FieldKind(r.PostFormValue("kind")), Options: lines(raw),
		Category: r.PostFormValue("category")}
	_, err := s.CRM.CreateCustomField(r.Context(), si.workspace.ID, f)
	if err != nil {
		v, verr := s.fieldsView(r, si, fieldsData{Form: f, Raw: raw})
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "fields", v, err)
	}
	s.setFlash(w, "Field added.")
	http.Redirect(w, r, "/settings/fields", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteField(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	e := audit.NewEntry(r.Context(), si.workspace.ID, "custom_field.delete", "custom_field", r.PathValue("id"), nil)
	if err := s.CRM.Store.DeleteCustomField(r.Context(), si.workspace.ID, atoi(r.PathValue("id")), e); err != nil {
		return err
	}
	s.setFlash(w, "Field deleted.")
	http.Redirect(w, r, "/settings/fields", http.StatusSeeOther)
	return nil
}

type membersData struct{ Members []auth.Member }

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	members, err := s.Users.Members(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	v := s.newView(r, si, "Users", "settings")
	v.Data = membersData{Members: members}
	return s.render(w, r, http.StatusOK, "members", v)
}
