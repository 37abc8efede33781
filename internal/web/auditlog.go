package web

import (
	"net/http"
	"net/url"

	"github.com/registre/registre/internal/audit"
)

type auditData struct {
	Filter  audit.Filter
	Entries []audit.Entry
	NextURL string
	Actors  map[string]string
}

// auditLog shows the workspace's audit log to admins and the DPO, filtered
// by action, object type, object id or actor.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	q := r.URL.Query()
	f := audit.Filter{WorkspaceID: si.workspace.ID, Action: q.Get("action"), ObjectType: q.Get("object_type"),
		ObjectID: q.Get("object_id"), ActorID: q.Get("actor"), BeforeID: atoi(q.Get("before")), Limit: 100}
	entries, err := s.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	members, err := s.Users.Members(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	d := auditData{Filter: f, Entries: entries, Actors: map[string]string{}}
	for _, m := range members {
		d.Actors[m.PublicID] = m.Name
		if m.Name == "" {
			d.Actors[m.PublicID] = m.Email
		}
	}
	if len(entries) == f.Limit {
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("before", itoa(entries[len(entries)-1].ID))
		d.NextURL = "/audit?" + next.Encode()
	}
	v := s.newView(r, si, "Audit log", "audit")
	v.Data = d
	return s.render(w, r, http.StatusOK, "audit", v)
}
