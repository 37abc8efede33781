package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/registre/registre/internal/consent"
)

// consentPanel is the person page's view of consent and objections.
type consentPanel struct {
	Purposes   []consent.Purpose
	Projection *consent.Projection
	Flags      []consent.Flag
	// Events maps an event id to its event, so that each state shows how
	// it was set and links to its line of the proof.
	Events map[int64]consent.Event
	Person string
	// Contact is the rules engine's answer, now, for each purpose that
	// sends messages, through its channel.
	Contact []consent.PurposeDecision
}

func (s *Server) consentPanel(r *http.Request, si *sessionInfo, personID int64, publicID string) (*consentPanel, error) {
	purposes, err := s.Consent.Store.Purposes(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	proj, err := s.Consent.Store.Projection(r.Context(), personID)
	if err != nil {
		return nil, err
	}
	panel := &consentPanel{Purposes: purposes, Projection: proj, Flags: consent.Flags, Events: map[int64]consent.Event{}}
	events, err := s.Consent.Store.PersonEvents(r.Context(), si.workspace.ID, personID, publicID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		panel.Events[e.ID] = e
		panel.Person = e.PersonPublicID
	}
	decisions, err := s.Consent.CheckAll(r.Context(), si.workspace.ID, publicID, time.Now())
	if err != nil {
		return nil, err
	}
	for _, d := range decisions {
		if d.Purpose.Channel != consent.NoChannel {
			panel.Contact = append(panel.Contact, d)
		}
	}
	return panel, nil
}

// recordConsent records a staff user's change: a consent the person gave
// by other means (with a note saying how), a withdrawal, an objection, an
// opt-out, an address marked invalid.
func (s *Server) recordConsent(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	change, ok := parseChange(r.PostFormValue("change"))
	if !ok {
		s.setFlash(w, "!Choose a change to record.")
		http.Redirect(w, r, "/people/"+id+"#data-protection", http.StatusSeeOther)
		return nil
	}
	proof := consent.Proof{SourceKind: consent.SourceStaff, Note: r.PostFormValue("note"),
		LegalBasis: consent.LegalBasis(r.PostFormValue("legal_basis")), SourceID: r.PostFormValue("source_ref")}
	_, err := s.Consent.Record(r.Context(), si.workspace.ID, id, []consent.Change{change}, proof)
	if e, isDomain := asUserError(err); isDomain {
		s.setFlash(w, "!"+e)
		http.Redirect(w, r, "/people/"+id+"#data-protection", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "Change recorded in the consent ledger.")
	http.Redirect(w, r, "/people/"+id+"#data-protection", http.StatusSeeOther)
	return nil
}

// parseChange reads "grant:email_marketing" or "set:opposed_all".
func parseChange(v string) (consent.Change, bool) {
	for i := 0; i < len(v); i++ {
		if v[i] != ':' {
			continue
		}
		a, target := consent.Action(v[:i]), v[i+1:]
		switch a {
		case consent.Grant, consent.Withdraw:
			return consent.Change{Purpose: target, Action: a}, target != ""
		case consent.Set, consent.Clear:
			return consent.Change{Flag: consent.Flag(target), Action: a}, target != ""
		}
	}
	return consent.Change{}, false
}

type proofData struct {
	Proof    *consent.PersonProof
	Name     string
	Purposes map[string]consent.Purpose
}

// consentProof shows every event of a person's ledger with its evidence and
// the check of the chain: the proof of consent an auditor asks for.
func (s *Server) consentProof(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	p, err := s.CRM.Person(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	proof, err := s.Consent.Proof(r.Context(), si.workspace.ID, p.PublicID)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="proof-of-consent-`+p.PublicID+`.json"`)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(proof)
	}
	purposes, err := s.Consent.Store.Purposes(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	byKey := map[string]consent.Purpose{}
	for _, pu := range purposes {
		byKey[pu.Key] = pu
	}
	v := s.newView(r, si, "Proof of consent", "people")
	v.Data = proofData{Proof: proof, Name: p.DisplayName(), Purposes: byKey}
	return s.render(w, r, http.StatusOK, "consent_proof", v)
}

type ledgerData struct{ Report *consent.Report }

// ledgerPage verifies the workspace's chain on demand.
func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	var rep *consent.Report
	if r.Method == http.MethodPost {
		var err error
		if rep, err = consent.Verify(r.Context(), s.Consent.Store, si.workspace.ID); err != nil {
			return err
		}
	}
	v := s.newView(r, si, "Consent ledger", "ledger")
	v.Data = ledgerData{Report: rep}
	return s.render(w, r, http.StatusOK, "ledger", v)
}

// bulkConsent records one change for the people ticked in the list: one
// ledger event each, with the justification.
func (s *Server) bulkConsent(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	back := safeNext(r.PostFormValue("back"))
	change, ok := parseChange(r.PostFormValue("change"))
	ids := r.PostForm["id"]
	if !ok || len(ids) == 0 {
		s.setFlash(w, "!Tick people and choose a change.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	var targets []consent.BulkTarget
	for _, id := range ids {
		p, err := s.CRM.Store.Person(r.Context(), si.workspace.ID, id)
		if err != nil {
			return err
		}
		targets = append(targets, consent.BulkTarget{PublicID: p.PublicID, Audience: p.Audience})
	}
	proof := consent.Proof{SourceKind: consent.SourceBulk, Note: r.PostFormValue("note"), SourceID: r.PostFormValue("source_ref")}
	_, err := s.Consent.RecordBulk(r.Context(), si.workspace.ID, targets, change, proof)
	if msg, isUser := asUserError(err); isUser {
		s.setFlash(w, "!"+msg)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "Change recorded in the consent ledger.")
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
