package web

import (
	"net/http"
	"time"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/i18n"
)

func readActivityForm(r *http.Request) crm.ActivityInput {
	in := crm.ActivityInput{Kind: crm.ActivityKind(r.PostFormValue("kind")), Subject: r.PostFormValue("subject"),
		Body: r.PostFormValue("body")}
	if in.Kind == crm.KindCall {
		in.Outcome = crm.CallOutcome(r.PostFormValue("outcome"))
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("occurred_at"), i18n.Paris); err == nil {
		in.OccurredAt = t.UTC()
	}
	counts := r.PostFormValue("counts_as_interaction") == "on"
	if r.PostFormValue("counts_present") == "1" {
		in.CountsAsInteraction = &counts
	}
	return in
}

func (s *Server) addPersonActivity(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	in := readActivityForm(r)
	in.PersonID = r.PathValue("id")
	return s.addActivity(w, r, si, in, "/people/"+in.PersonID)
}

func (s *Server) addOrganisationActivity(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	in := readActivityForm(r)
	in.OrganisationID = r.PathValue("id")
	return s.addActivity(w, r, si, in, "/organisations/"+in.OrganisationID)
}

// addActivity saves an activity and goes back to the timeline. A refused
// activity comes back as a flash naming the problem: the timeline form is
// small and its fields are all visible beside it.
func (s *Server) addActivity(w http.ResponseWriter, r *http.Request, si *sessionInfo, in crm.ActivityInput, back string) error {
	_, err := s.CRM.AddActivity(r.Context(), si.workspace.ID, si.user.ID, in)
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		msg := e.Message
		for field, problem := range e.Fields {
			msg = i18n.T(langOf(r, si), field) + " : " + i18n.T(langOf(r, si), problem)
			break
		}
		s.setFlash(w, "!"+msg)
		http.Redirect(w, r, back+"#timeline", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "Activity added.")
	http.Redirect(w, r, back+"#timeline", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteActivity(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	a, err := s.CRM.Store.Activity(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.CRM.DeleteActivity(r.Context(), si.workspace.ID, a.PublicID); err != nil {
		return err
	}
	back := "/organisations/" + a.OrganisationPublicID
	if a.PersonPublicID != "" {
		back = "/people/" + a.PersonPublicID
	}
	s.setFlash(w, "Activity deleted.")
	http.Redirect(w, r, back+"#timeline", http.StatusSeeOther)
	return nil
}
