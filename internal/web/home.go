package web

import (
	"net/http"
	"time"

	"github.com/registre/registre/internal/crm"
)

type homeData struct {
	Counts     crm.Counts
	Activities []crm.Activity
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	counts, err := s.CRM.Store.Counts(r.Context(), si.workspace.ID, time.Now().AddDate(0, 0, -30))
	if err != nil {
		return err
	}
	acts, err := s.CRM.Activities(r.Context(), si.workspace.ID, 0, 0, 12)
	if err != nil {
		return err
	}
	v := s.newView(r, si, "Dashboard", "home")
	v.Flash, v.Data = s.takeFlash(w, r), homeData{Counts: counts, Activities: acts}
	return s.render(w, r, http.StatusOK, "home", v)
}
