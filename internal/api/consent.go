package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

func (a *API) listPurposes(w http.ResponseWriter, r *http.Request, c *caller) error {
	purposes, err := a.Consent.Store.Purposes(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	if err := a.CRM.Audit.Record(r.Context(), audit.NewEntry(r.Context(), c.workspaceID, "purpose.list", "purpose", "", nil)); err != nil {
		return err
	}
	out := purposeList{Data: []purposeJSON{}}
	for _, p := range purposes {
		out.Data = append(out.Data, purposeOut(p))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// purposesByKey returns the workspace's purposes by key.
func (a *API) purposesByKey(ctx context.Context, workspaceID int64) (map[string]consent.Purpose, error) {
	purposes, err := a.Consent.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	byKey := map[string]consent.Purpose{}
	for _, p := range purposes {
		byKey[p.Key] = p
	}
	return byKey, nil
}

// viewPerson reads the person of the path through the CRM service, so that
// reading their consent is recorded as a view of the person; ids of other
// workspaces answer 404.
func (a *API) viewPerson(r *http.Request, c *caller) (*crm.Person, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, errPersonNotFound
	}
	return a.CRM.Person(r.Context(), c.workspaceID, id)
}

func (a *API) getConsent(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := a.viewPerson(r, c)
	if err != nil {
		return err
	}
	purposes, err := a.Consent.Store.Purposes(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	proj, err := a.Consent.Store.Projection(r.Context(), p.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, consentStateOut(purposes, proj))
	return nil
}

// recordConsent appends changes to the person's consent ledger with one
// proof. Every check runs before the service is called, and the service
// writes all the changes or none.
func (a *API) recordConsent(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errPersonNotFound
	}
	p, err := a.CRM.Store.Person(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	var b consentBody
	if _, err := readJSON(w, r, &b); err != nil {
		return err
	}
	purposes, err := a.purposesByKey(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	changes, err := checkChanges(b.Changes, purposes)
	if err != nil {
		return err
	}
	proof := b.Proof.proof()
	if err := checkConsumerProof(p, changes, proof); err != nil {
		return err
	}
	proj, err := a.Consent.Store.Projection(r.Context(), p.ID)
	if err != nil {
		return err
	}
	if err := checkTransitions(proj, changes); err != nil {
		return err
	}
	events, err := a.Consent.Record(r.Context(), c.workspaceID, p.PublicID, changes, proof)
	if err != nil {
		return proofFields(err)
	}
	w.Header().Set("Location", "/api/v1/people/"+p.PublicID+"/consent/proof")
	writeJSON(w, http.StatusCreated, eventList{Data: events})
	return nil
}

func (a *API) getConsentProof(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := a.viewPerson(r, c)
	if err != nil {
		return err
	}
	proof, err := a.Consent.Proof(r.Context(), c.workspaceID, p.PublicID)
	if err != nil {
		return err
	}
	if proof.Events == nil {
		proof.Events = []consent.Event{}
	}
	writeJSON(w, http.StatusOK, proof)
	return nil
}

func (a *API) verifyLedger(w http.ResponseWriter, r *http.Request, c *caller) error {
	rep, err := consent.Verify(r.Context(), a.Consent.Store, c.workspaceID)
	if err != nil {
		return err
	}
	e := audit.NewEntry(r.Context(), c.workspaceID, "consent.verify", "consent_ledger", "", map[string]any{"ok": rep.OK(), "events": rep.Events})
	if err := a.CRM.Audit.Record(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ledgerReportJSON{OK: rep.OK(), Events: rep.Events, HeadSeq: rep.HeadSeq,
		HeadHash: rep.HeadHash, Problem: rep.Problem})
	return nil
}

// countContactable counts the people who may be contacted now for a
// purpose through a channel (the purpose's own when left out), with the
// workspace's contact-rule settings; phone call timing is left aside.
func (a *API) countContactable(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "purpose", "channel")
	if err != nil {
		return err
	}
	purposes, err := a.purposesByKey(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	pu, known := purposes[q.Get("purpose")]
	ch := consent.Channel(q.Get("channel"))
	var v errs.Validation
	switch {
	case q.Get("purpose") == "":
		v.Add("purpose", "is required")
	case !known:
		v.Add("purpose", "is not a purpose of this workspace")
	}
	switch {
	case ch == "":
		ch = pu.Channel
	case !slices.Contains(consent.Channels, ch):
		v.Add("channel", "must be email, sms, phone or postal")
	case known && pu.Channel == consent.NoChannel:
		v.Add("channel", "must be left out: this purpose sends no messages")
	case known && ch != pu.Channel:
		v.Add("channel", "must be "+string(pu.Channel)+" for this purpose")
	}
	if err := v.Err(); err != nil {
		return err
	}
	cfg, err := a.Consent.ContactSettings(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	n, err := a.Contactable.CountContactable(r.Context(), c.workspaceID, pu.Key, ch, time.Now(), cfg)
	if err != nil {
		return err
	}
	e := audit.NewEntry(r.Context(), c.workspaceID, "consent.count", "person", "", map[string]any{"purpose": pu.Key, "channel": string(ch), "count": n})
	if err := a.CRM.Audit.Record(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, contactableJSON{Count: n})
	return nil
}
