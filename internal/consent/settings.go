package consent

import (
	"context"
	"time"

	"github.com/registre/registre/internal/audit"

	"github.com/registre/registre/internal/errs"
)

// SettingsJSON is how a workspace's contact-rule settings are stored and
// exchanged: whole days for the phone-consent date (French time), no
// time zone (Europe/Paris until workspaces choose theirs).
type SettingsJSON struct {
	SoftOptIn         bool   `json:"soft_opt_in"`
	PhoneConsentFrom  string `json:"phone_consent_from"` // YYYY-MM-DD, first day on which B2C calls need consent
	MaxCallsPer30Days int    `json:"max_calls_per_30_days"`
	RefusalQuietDays  int    `json:"refusal_quiet_days"`
}

// Limits of the settings a workspace may choose. The law's figures are the
// defaults; a workspace may be stricter, and somewhat looser only because
// REFERENCE.md marks them "to confirm" with counsel.
const (
	maxCallsLimit     = 10
	maxQuietDaysLimit = 365
)

// JSON returns the settings as stored.
func (c Settings) JSON() SettingsJSON {
	c = c.withDefaults()
	return SettingsJSON{SoftOptIn: c.SoftOptInEnabled, PhoneConsentFrom: c.PhoneConsentFrom.In(c.Location).Format(time.DateOnly),
		MaxCallsPer30Days: c.MaxCallsPer30Days, RefusalQuietDays: c.RefusalQuietDays}
}

// Settings checks and converts stored or submitted settings; zero fields
// take their defaults. The error is an Invalid *errs.Error naming fields.
func (j SettingsJSON) Settings() (Settings, error) {
	var v errs.Validation
	c := Settings{SoftOptInEnabled: j.SoftOptIn, MaxCallsPer30Days: j.MaxCallsPer30Days, RefusalQuietDays: j.RefusalQuietDays}
	if j.PhoneConsentFrom != "" {
		t, err := time.ParseInLocation(time.DateOnly, j.PhoneConsentFrom, paris)
		if err != nil {
			v.Add("phone_consent_from", "must be a date written YYYY-MM-DD")
		}
		c.PhoneConsentFrom = t
	}
	if j.MaxCallsPer30Days < 0 || j.MaxCallsPer30Days > maxCallsLimit {
		v.Add("max_calls_per_30_days", "must be between 1 and 10 (the law's figure is 4)")
	}
	if j.RefusalQuietDays < 0 || j.RefusalQuietDays > maxQuietDaysLimit {
		v.Add("refusal_quiet_days", "must be between 1 and 365 (the law's figure is 60)")
	}
	return c.withDefaults(), v.Err()
}

// SetSettings saves the workspace's contact-rule settings (admins only:
// the caller checks), audited with the new values.
func (s *Service) SetSettings(ctx context.Context, workspaceID int64, j SettingsJSON) (Settings, error) {
	if _, err := j.Settings(); err != nil {
		return Settings{}, err
	}
	if s.Settings == nil {
		return Settings{}, errs.Errorf(errs.Internal, "Contact-rule settings are not kept here.")
	}
	e := audit.NewEntry(ctx, workspaceID, "settings.contact", "workspace", "", nil)
	if err := s.Settings.SetContactSettings(ctx, workspaceID, j, e); err != nil {
		return Settings{}, err
	}
	return s.Settings.ContactSettings(ctx, workspaceID)
}
