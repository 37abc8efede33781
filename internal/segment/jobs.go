package segment

import (
	"strconv"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Action is a bulk action on a segment's people.
type Action string

// Bulk actions.
const (
	ActSetField     Action = "set_field"     // a person field or custom field
	ActSetLifecycle Action = "set_lifecycle" // the person's stage
	ActSetStatus    Action = "set_status"    // the status of the person's organisation
	ActConsent      Action = "consent"       // grant or withdraw a consent, set or clear a flag
	ActDelete       Action = "delete"
)

// Actions lists the bulk actions.
var Actions = []Action{ActSetField, ActSetLifecycle, ActSetStatus, ActConsent, ActDelete}

// SettableFields are the person fields a bulk action may set (besides
// custom fields, "custom.<key>").
var SettableFields = []string{"job_title", "origin_detail", "city", "postal_code", "region", "country"}

// Params are a bulk action's parameters.
type Params struct {
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	// Consent change: a purpose with grant/withdraw, or a flag with set/clear.
	Purpose    string             `json:"purpose,omitempty"`
	Flag       consent.Flag       `json:"flag,omitempty"`
	Change     consent.Action     `json:"change,omitempty"`
	Note       string             `json:"note,omitempty"`
	SourceRef  string             `json:"source_ref,omitempty"`
	LegalBasis consent.LegalBasis `json:"legal_basis,omitempty"`
}

// Job states.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobDone      = "done"
	JobCancelled = "cancelled"
	JobFailed    = "failed"
)

// Job is a bulk action running in the background, in batches of people in
// id order; LastPerson is the cursor each batch commits with its changes.
type Job struct {
	ID          int64
	PublicID    string
	WorkspaceID int64
	SegmentID   int64
	Segment     string // the segment's public id
	SegmentName string
	Action      Action
	Params      Params
	Tree        Node
	State       string
	Cancel      bool
	Total       int64
	Processed   int64
	LastPerson  int64
	Error       string
	Actor       audit.Actor
	RequestID   string
	CreatedAt   time.Time
	StartedAt   time.Time
	FinishedAt  time.Time
}

// Finished reports whether the job has stopped for good.
func (j *Job) Finished() bool {
	return j.State == JobDone || j.State == JobCancelled || j.State == JobFailed
}

// Percent is the progress for a progress bar.
func (j *Job) Percent() int {
	if j.Total <= 0 {
		if j.Finished() {
			return 100
		}
		return 0
	}
	return int(min(100, j.Processed*100/j.Total))
}

// ConsentChange returns the consent change of a consent action.
func (p Params) ConsentChange() consent.Change {
	return consent.Change{Purpose: p.Purpose, Flag: p.Flag, Action: p.Change}
}

// validateParams checks an action's parameters against the catalogue. hasB2C
// says whether the segment holds consumers (a grant then needs a proof).
func (c *Catalogue) validateParams(a Action, p *Params, custom func(key string) (crm.CustomField, bool), hasB2C bool) error {
	var v errs.Validation
	p.Note, p.SourceRef, p.Value = strings.TrimSpace(p.Note), strings.TrimSpace(p.SourceRef), strings.TrimSpace(p.Value)
	switch a {
	case ActSetField:
		if key, ok := strings.CutPrefix(p.Field, "custom."); ok {
			cf, ok := custom(key)
			if !ok {
				v.Add("field", "is not a field of this workspace")
			} else if msg := checkCustomValue(cf, p.Value); msg != "" {
				v.Add("value", msg)
			}
		} else if !contains(SettableFields, p.Field) {
			v.Add("field", "cannot be set in bulk")
		}
		if len(p.Value) > crm.MaxTextLength {
			v.Add("value", "is too long")
		}
	case ActSetLifecycle:
		if !contains(strs(crm.Lifecycles), p.Value) {
			v.Add("value", "choose a stage")
		}
	case ActSetStatus:
		if !contains(strs(crm.OrgStatuses), p.Value) {
			v.Add("value", "choose a status")
		}
	case ActConsent:
		switch {
		case p.Purpose != "" && (p.Change == consent.Grant || p.Change == consent.Withdraw) && p.Flag == "":
			known := false
			for _, pu := range c.Purposes {
				if pu.Key == p.Purpose && pu.Kind != consent.Transactional {
					known = true
				}
			}
			if !known {
				v.Add("purpose", "is not a purpose of this workspace")
			}
		case p.Flag != "" && (p.Change == consent.Set || p.Change == consent.Clear) && p.Purpose == "":
			if consent.FlagBit(p.Flag) == 0 {
				v.Add("flag", "is not a flag")
			}
			if p.Flag == consent.Suppressed {
				v.Add("flag", "the suppression list is not changed in bulk")
			}
		default:
			v.Add("change", "choose a consent change")
		}
		if p.Note == "" {
			v.Add("note", "a bulk change needs a justification")
		}
		if len(p.Note) > 2000 || len(p.SourceRef) > 200 {
			v.Add("note", "is too long")
		}
		if p.Change == consent.Grant && hasB2C && p.SourceRef == "" {
			v.Add("source_ref", "consumers (B2C) cannot be marked as consenting without a proof reference")
		}
		if p.LegalBasis != "" && !contains(strs(consent.LegalBases), string(p.LegalBasis)) {
			v.Add("legal_basis", "is not a legal basis")
		}
	case ActDelete:
	default:
		v.Add("action", "choose an action")
	}
	return v.Err()
}

func parseNumber(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

func checkCustomValue(cf crm.CustomField, value string) string {
	if value == "" {
		return ""
	}
	switch cf.Kind {
	case crm.FieldNumber:
		if _, err := parseNumber(value); err != nil {
			return "enter a number"
		}
	case crm.FieldBoolean:
		if value != "true" && value != "false" {
			return "enter true or false"
		}
	case crm.FieldDate:
		if _, err := time.Parse(time.DateOnly, value); err != nil {
			return "enter a date as YYYY-MM-DD"
		}
	case crm.FieldSelect:
		if !contains(cf.Options, value) {
			return "choose one of the options"
		}
	}
	return ""
}
