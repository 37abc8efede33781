package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
)

// contactCheckJSON is the rules engine's answer for one person: allowed
// with its basis, or denied with every reason; not_before is set when only
// waiting stands in the way (a call outside hours, the call limit…).
type contactCheckJSON struct {
	Purpose   string           `json:"purpose"`
	Channel   *string          `json:"channel"`
	At        timestamp        `json:"at"`
	Allowed   bool             `json:"allowed"`
	Reasons   []consent.Reason `json:"reasons"`
	NotBefore timestamp        `json:"not_before"`
}

// checkContact answers "may we contact this person through this channel
// for this purpose at this time?" (now when at is left out).
func (a *API) checkContact(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "purpose", "channel", "at")
	if err != nil {
		return err
	}
	var v errs.Validation
	if q.Get("purpose") == "" {
		v.Add("purpose", "is required")
	}
	ch := consent.Channel(q.Get("channel"))
	if ch != "" && !slices.Contains(consent.Channels, ch) {
		v.Add("channel", "must be email, sms, phone or postal")
	}
	at := time.Now().UTC()
	if s := q.Get("at"); s != "" {
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			v.Add("at", "must be an RFC 3339 time, such as 2026-12-01T10:30:00+01:00")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := a.viewPerson(r, c)
	if err != nil {
		return err
	}
	d, err := a.Consent.Check(r.Context(), c.workspaceID, p.PublicID, q.Get("purpose"), ch, at)
	if err != nil {
		return err
	}
	if ch == "" {
		purposes, err := a.purposesByKey(r.Context(), c.workspaceID)
		if err != nil {
			return err
		}
		ch = purposes[q.Get("purpose")].Channel
	}
	writeJSON(w, http.StatusOK, contactCheckJSON{Purpose: q.Get("purpose"), Channel: nullable(string(ch)), At: timestamp(at),
		Allowed: d.Allowed, Reasons: d.Reasons, NotBefore: timestamp(d.NotBefore)})
	return nil
}

func (a *API) getContactSettings(w http.ResponseWriter, r *http.Request, c *caller) error {
	cfg, err := a.Consent.ContactSettings(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cfg.JSON())
	return nil
}

func (a *API) putContactSettings(w http.ResponseWriter, r *http.Request, c *caller) error {
	var j consent.SettingsJSON
	if _, err := readJSON(w, r, &j); err != nil {
		return err
	}
	cfg, err := a.Consent.SetSettings(r.Context(), c.workspaceID, j)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cfg.JSON())
	return nil
}
