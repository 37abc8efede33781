package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// ContactCounter counts the people of a workspace who may be contacted for
// a purpose through a channel (sqldb.ConsentStore satisfies it). The API
// takes it as an interface so that it does not depend on the database.
type ContactCounter interface {
	CountContactable(ctx context.Context, workspaceID int64, purposeKey string, ch consent.Channel, at time.Time, cfg consent.Settings) (int, error)
}

// maxConsentChanges caps the changes of one POST /people/{id}/consent.
const maxConsentChanges = 50

// purposeJSON is a purpose of processing; channel is null for purposes
// that send nothing (profiling, sharing).
type purposeJSON struct {
	Key     string              `json:"key"`
	LabelFR string              `json:"label_fr"`
	LabelEN string              `json:"label_en"`
	Channel *string             `json:"channel"`
	Kind    consent.PurposeKind `json:"kind"`
}

func purposeOut(p consent.Purpose) purposeJSON {
	return purposeJSON{Key: p.Key, LabelFR: p.LabelFR, LabelEN: p.LabelEN, Channel: nullable(string(p.Channel)), Kind: p.Kind}
}

type purposeList struct {
	Data []purposeJSON `json:"data"`
}

// purposeStateJSON is the consent to one purpose; at is null when the
// person never gave nor refused it.
type purposeStateJSON struct {
	State consent.State `json:"state"`
	At    timestamp     `json:"at"`
}

// flagJSON is one objection or fact; at is null when it was never set.
type flagJSON struct {
	On bool      `json:"on"`
	At timestamp `json:"at"`
}

// consentStateJSON is a person's current consent: every purpose of the
// workspace and every flag, set or not. OptIn is consent granted to email
// marketing, what "opt-in" means in Registre.
type consentStateJSON struct {
	Consents map[string]purposeStateJSON `json:"consents"`
	Flags    map[consent.Flag]flagJSON   `json:"flags"`
	OptIn    bool                        `json:"opt_in"`
}

func consentStateOut(purposes []consent.Purpose, proj *consent.Projection) consentStateJSON {
	out := consentStateJSON{Consents: map[string]purposeStateJSON{}, Flags: map[consent.Flag]flagJSON{},
		OptIn: proj.State(consent.EmailMarketing) == consent.Granted}
	for _, p := range purposes {
		st := proj.Purposes[p.Key]
		out.Consents[p.Key] = purposeStateJSON{State: proj.State(p.Key), At: timestamp(st.At)}
	}
	for _, f := range consent.Flags {
		st := proj.Flags[f]
		out.Flags[f] = flagJSON{On: st.On, At: timestamp(st.At)}
	}
	return out
}

// consentBody is the body of POST /people/{id}/consent: changes recorded
// together, with one proof.
type consentBody struct {
	Changes []changeJSON `json:"changes"`
	Proof   proofJSON    `json:"proof"`
}

// changeJSON is one change: a purpose with request, confirm, grant or
// withdraw, or a flag with set or clear.
type changeJSON struct {
	Purpose string `json:"purpose"`
	Flag    string `json:"flag"`
	Action  string `json:"action"`
}

// proofJSON is the evidence of the changes; source_kind defaults to api.
type proofJSON struct {
	LegalBasis    string `json:"legal_basis"`
	SourceKind    string `json:"source_kind"`
	SourceID      string `json:"source_id"`
	SourceVersion string `json:"source_version"`
	Wording       string `json:"wording"`
	PageURL       string `json:"page_url"`
	IP            string `json:"ip"`
	UserAgent     string `json:"user_agent"`
	Note          string `json:"note"`
}

func (p proofJSON) proof() consent.Proof {
	kind := consent.SourceKind(p.SourceKind)
	if kind == "" {
		kind = consent.SourceAPI
	}
	return consent.Proof{LegalBasis: consent.LegalBasis(p.LegalBasis), SourceKind: kind, SourceID: p.SourceID,
		SourceVersion: p.SourceVersion, Wording: p.Wording, PageURL: p.PageURL, IP: p.IP, UserAgent: p.UserAgent, Note: p.Note}
}

// eventList is the events a POST recorded, in chain order.
type eventList struct {
	Data []*consent.Event `json:"data"`
}

// ledgerReportJSON is the verification of a workspace's chain; problem is
// null when ok.
type ledgerReportJSON struct {
	OK       bool             `json:"ok"`
	Events   int64            `json:"events"`
	HeadSeq  int64            `json:"head_seq"`
	HeadHash string           `json:"head_hash"`
	Problem  *consent.Problem `json:"problem"`
}

type contactableJSON struct {
	Count int `json:"count"`
}

var (
	purposeActions = []consent.Action{consent.Request, consent.Confirm, consent.Grant, consent.Withdraw}
	flagActions    = []consent.Action{consent.Set, consent.Clear}
)

// checkChanges validates the changes of a body, naming each bad field by
// its path (changes[1].purpose), against the workspace's purposes.
func checkChanges(in []changeJSON, purposes map[string]consent.Purpose) ([]consent.Change, error) {
	var v errs.Validation
	switch {
	case len(in) == 0:
		v.Add("changes", "must list at least one change")
	case len(in) > maxConsentChanges:
		v.Add("changes", fmt.Sprintf("must list at most %d changes", maxConsentChanges))
		return nil, v.Err()
	}
	out := make([]consent.Change, 0, len(in))
	for i, ch := range in {
		at := fmt.Sprintf("changes[%d].", i)
		c := consent.Change{Purpose: ch.Purpose, Flag: consent.Flag(ch.Flag), Action: consent.Action(ch.Action)}
		switch {
		case ch.Purpose != "" && ch.Flag != "":
			v.Add(at+"flag", "must be left out when purpose is given: one change is about a purpose or a flag")
		case ch.Purpose != "":
			if _, ok := purposes[ch.Purpose]; !ok {
				v.Add(at+"purpose", "is not a purpose of this workspace")
			}
			if !slices.Contains(purposeActions, c.Action) {
				v.Add(at+"action", "must be request, confirm, grant or withdraw for a purpose")
			}
		case ch.Flag != "":
			switch {
			case !slices.Contains(consent.Flags, c.Flag):
				v.Add(at+"flag", "is not a known flag")
			case c.Flag == consent.Suppressed:
				v.Add(at+"flag", "is kept by the suppression list: an objection sets it, the person's own new consent "+
					"or an administrator removing the address lifts it")
			}
			if !slices.Contains(flagActions, c.Action) {
				v.Add(at+"action", "must be set or clear for a flag")
			}
		default:
			v.Add(at+"purpose", "is required unless flag is given")
		}
		out = append(out, c)
	}
	return out, v.Err()
}

// checkConsumerProof refuses to record a consumer's (B2C) consent without
// its proof: the id of the form, campaign or import that collected it, or
// the wording the person agreed to. Anything but B2B gets this rule, as in
// the contact rules.
func checkConsumerProof(p *crm.Person, changes []consent.Change, proof consent.Proof) error {
	if p.Audience == crm.B2B || strings.TrimSpace(proof.SourceID) != "" || strings.TrimSpace(proof.Wording) != "" {
		return nil
	}
	for _, c := range changes {
		if c.Action == consent.Grant || c.Action == consent.Confirm {
			return invalid("proof.source_id", "is required to record a consumer's consent: give the id of the form, "+
				"campaign or import that collected it, or the wording shown to the person")
		}
	}
	return nil
}

// checkTransitions plays the changes on the person's current state so that
// an impossible one is named by its place in the body. The store checks
// again in its transaction, which is what guarantees nothing is written.
func checkTransitions(proj *consent.Projection, changes []consent.Change) error {
	for i, c := range changes {
		e := consent.Event{Purpose: c.Purpose, Flag: c.Flag, Action: c.Action}
		if err := proj.Apply(&e); err != nil {
			if de, ok := errs.As(err); ok {
				return &errs.Error{Code: de.Code, Message: de.Message,
					Fields: map[string]string{fmt.Sprintf("changes[%d].action", i): "is not possible in the current state"}}
			}
			return err
		}
	}
	return nil
}

// proofFieldNames are the fields the consent service names in its errors
// that are members of proof in the body.
var proofFieldNames = []string{"legal_basis", "source_kind", "source_id", "source_version", "wording", "page_url", "ip", "user_agent", "note"}

// proofFields renames the proof fields of a consent service error to their
// paths in the body (proof.source_kind).
func proofFields(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := &errs.Error{Code: e.Code, Message: e.Message, Related: e.Related, Fields: map[string]string{}}
	for k, v := range e.Fields {
		if slices.Contains(proofFieldNames, k) {
			k = "proof." + k
		}
		out.Fields[k] = v
	}
	return out
}
