package web

import (
	"net/http"
	"net/url"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// peopleSearch is the state of the people list. Query is carried sealed in
// the URL ("s"); the filters, which hold no personal data, in plain view.
type peopleSearch struct {
	Query     string        `json:"q"`
	Lifecycle crm.Lifecycle `json:"-"`
	Audience  crm.Audience  `json:"-"`
	Sort      crm.PeopleSort
	Desc      bool
	Sealed    string
}

// countCap bounds the count shown above the list ("more than 10,000"):
// the exact count of a million people costs more than the page itself.
const countCap = 10000

type peopleListData struct {
	Search     peopleSearch
	Here       string // this page's URL, to come back to after a bulk change
	Consent    *consentPanel
	People     []crm.Person
	Total      int
	More       bool
	NextURL    string
	PrevURL    string
	Lifecycles []crm.Lifecycle
	Audiences  []crm.Audience
}

func (s *Server) readPeopleSearch(r *http.Request) peopleSearch {
	q := r.URL.Query()
	ps := peopleSearch{Lifecycle: crm.Lifecycle(q.Get("lifecycle")), Audience: crm.Audience(q.Get("audience")),
		Sort: crm.PeopleSort(q.Get("sort")), Desc: q.Get("order") == "desc"}
	if sealed := q.Get("s"); sealed != "" {
		var v struct {
			Q string `json:"q"`
		}
		if s.unseal(sealed, &v) == nil {
			ps.Query, ps.Sealed = v.Q, sealed
		}
	}
	switch ps.Sort {
	case crm.SortName, crm.SortCreated, crm.SortLastInteraction:
	default:
		ps.Sort = crm.SortName
	}
	return ps
}

// url returns the list URL for this search with extra parameters.
func (ps peopleSearch) url(extra ...string) string {
	v := url.Values{}
	if ps.Sealed != "" {
		v.Set("s", ps.Sealed)
	}
	if ps.Lifecycle != "" {
		v.Set("lifecycle", string(ps.Lifecycle))
	}
	if ps.Audience != "" {
		v.Set("audience", string(ps.Audience))
	}
	if ps.Sort != crm.SortName {
		v.Set("sort", string(ps.Sort))
	}
	if ps.Desc {
		v.Set("order", "desc")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return "/people"
	}
	return "/people?" + v.Encode()
}

func (s *Server) listPeople(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ps := s.readPeopleSearch(r)
	f := crm.PeopleFilter{Query: ps.Query, Lifecycle: ps.Lifecycle, Audience: ps.Audience, Sort: ps.Sort,
		Desc: ps.Desc, After: r.URL.Query().Get("after"), Before: r.URL.Query().Get("before"), Limit: 50}
	page, err := s.CRM.People(r.Context(), si.workspace.ID, f)
	if err != nil {
		return err
	}
	total, err := s.CRM.CountPeople(r.Context(), si.workspace.ID, f, countCap)
	if err != nil {
		return err
	}
	d := peopleListData{Search: ps, People: page.People, Total: min(total, countCap), More: total > countCap,
		Lifecycles: crm.Lifecycles, Audiences: crm.Audiences}
	if page.HasNext && len(page.People) > 0 {
		d.NextURL = ps.url("after", page.People[len(page.People)-1].PublicID)
	}
	d.Here = r.URL.RequestURI()
	purposes, err := s.Consent.Store.Purposes(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	d.Consent = &consentPanel{Purposes: purposes, Flags: consent.Flags}
	if page.HasPrev && len(page.People) > 0 {
		d.PrevURL = ps.url("before", page.People[0].PublicID)
	}
	v := s.newView(r, si, "People", "people")
	v.Flash, v.Data = s.takeFlash(w, r), d
	return s.render(w, r, http.StatusOK, "people", v)
}

// searchPeople receives the search box by POST, so that the words typed
// stay out of URLs and logs, and redirects to the list with them sealed.
func (s *Server) searchPeople(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ps := peopleSearch{Lifecycle: crm.Lifecycle(r.PostFormValue("lifecycle")), Audience: crm.Audience(r.PostFormValue("audience")),
		Sort: crm.PeopleSort(r.PostFormValue("sort")), Desc: r.PostFormValue("order") == "desc"}
	if q := r.PostFormValue("q"); q != "" {
		if len(q) > 200 {
			q = q[:200]
		}
		sealed, err := s.seal(struct {
			Q string `json:"q"`
		}{q})
		if err != nil {
			return err
		}
		ps.Sealed = sealed
	}
	if ps.Sort == "" {
		ps.Sort = crm.SortName
	}
	http.Redirect(w, r, ps.url(), http.StatusSeeOther)
	return nil
}
