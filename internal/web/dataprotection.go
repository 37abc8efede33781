package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/consent"
)

// contactSettingsForm keeps the raw values, so that a refused form comes
// back as typed.
type contactSettingsForm struct {
	SoftOptIn           bool
	PhoneConsentFrom    string
	MaxCalls, QuietDays string
}

func (s *Server) contactSettingsPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	cfg, err := s.Consent.ContactSettings(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	j := cfg.JSON()
	v := s.newView(r, si, "Contact rules", "contact-rules")
	v.Flash = s.takeFlash(w, r)
	v.Data = contactSettingsForm{SoftOptIn: j.SoftOptIn, PhoneConsentFrom: j.PhoneConsentFrom,
		MaxCalls: strconv.Itoa(j.MaxCallsPer30Days), QuietDays: strconv.Itoa(j.RefusalQuietDays)}
	return s.render(w, r, http.StatusOK, "contact_rules", v)
}

func (s *Server) saveContactSettings(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	f := contactSettingsForm{SoftOptIn: r.PostFormValue("soft_opt_in") == "on",
		PhoneConsentFrom: strings.TrimSpace(r.PostFormValue("phone_consent_from")),
		MaxCalls:         strings.TrimSpace(r.PostFormValue("max_calls_per_30_days")),
		QuietDays:        strings.TrimSpace(r.PostFormValue("refusal_quiet_days"))}
	j := consent.SettingsJSON{SoftOptIn: f.SoftOptIn, PhoneConsentFrom: f.PhoneConsentFrom,
		MaxCallsPer30Days: number(f.MaxCalls), RefusalQuietDays: number(f.QuietDays)}
	if _, err := s.Consent.SetSettings(r.Context(), si.workspace.ID, j); err != nil {
		v := s.newView(r, si, "Contact rules", "contact-rules")
		v.Data = f
		return s.formError(w, r, si, "contact_rules", v, err)
	}
	s.setFlash(w, "Changes saved.")
	http.Redirect(w, r, "/settings/contact-rules", http.StatusSeeOther)
	return nil
}

// number reads a whole number typed in a form; anything else is -1, which
// the settings refuse with a message naming the field.
func number(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
