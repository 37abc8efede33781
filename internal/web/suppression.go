package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// SuppressionList is the suppression list as the interface uses it.
type SuppressionList interface {
	Add(ctx context.Context, workspaceID int64, addresses []string, reason consent.SuppressionReason, e audit.Entry) (int, error)
	Remove(ctx context.Context, workspaceID int64, address, reason string, e audit.Entry) error
	List(ctx context.Context, workspaceID int64) ([]consent.Suppression, error)
	ImportHashes(ctx context.Context, workspaceID int64, entries []consent.Suppression, e audit.Entry) (int, error)
	Count(ctx context.Context, workspaceID int64) (int, error)
}

type suppressionData struct {
	Count     int
	Policy    string
	Addresses string
	Address   string
	Reason    string
}

func (s *Server) suppressionView(r *http.Request, si *sessionInfo, d suppressionData) (*view, error) {
	n, err := s.Suppression.Count(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	d.Count = n
	if d.Policy, err = s.Workspaces.SuppressionPolicy(r.Context(), si.workspace.ID); err != nil {
		return nil, err
	}
	v := s.newView(r, si, "Suppression list", "suppression")
	v.Data = d
	return v, nil
}

func (s *Server) suppressionPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, err := s.suppressionView(r, si, suppressionData{})
	if err != nil {
		return err
	}
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "suppression", v)
}

// addSuppressions puts typed or pasted addresses on the list; they are
// hashed at once and never stored.
func (s *Server) addSuppressions(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	raw := r.PostFormValue("addresses")
	e := audit.NewEntry(r.Context(), si.workspace.ID, "suppression.add", "suppression", "", nil)
	n, err := s.Suppression.Add(r.Context(), si.workspace.ID, lines(raw), consent.ReasonManual, e)
	if err != nil {
		v, verr := s.suppressionView(r, si, suppressionData{Addresses: raw})
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "suppression", v, err)
	}
	s.setFlash(w, fmt.Sprintf("%d", n)+" address(es) added to the suppression list.")
	http.Redirect(w, r, "/compliance/suppression", http.StatusSeeOther)
	return nil
}

// removeSuppression takes one address off the list, with the reason, and
// lifts the suppressed state of the people who have it.
func (s *Server) removeSuppression(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	address, reason := r.PostFormValue("address"), strings.TrimSpace(r.PostFormValue("reason"))
	e := audit.NewEntry(r.Context(), si.workspace.ID, "suppression.remove", "suppression", "", nil)
	if err := s.Suppression.Remove(r.Context(), si.workspace.ID, address, reason, e); err != nil {
		v, verr := s.suppressionView(r, si, suppressionData{Address: address, Reason: reason})
		if verr != nil {
			return verr
		}
		if errs.Is(err, errs.NotFound) {
			v.Error = "This address is not on the suppression list."
			return s.render(w, r, http.StatusNotFound, "suppression", v)
		}
		return s.formError(w, r, si, "suppression", v, err)
	}
	people, err := s.peopleWithAddress(r, si, address)
	if err != nil {
		return err
	}
	for _, p := range people {
		proj, err := s.Consent.Store.Projection(r.Context(), p.ID)
		if err != nil {
			return err
		}
		if proj.On(consent.Suppressed) {
			if err := s.Consent.LiftSuppression(r.Context(), si.workspace.ID, p.PublicID, reason); err != nil {
				return err
			}
		}
	}
	s.setFlash(w, "Address removed from the suppression list.")
	http.Redirect(w, r, "/compliance/suppression", http.StatusSeeOther)
	return nil
}

// exportSuppressions downloads the list as CSV: kind, hash, reason. The
// hashes are keyed by this workspace: the file restores this list only.
func (s *Server) exportSuppressions(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	entries, err := s.Suppression.List(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	if err := s.Audit.Record(r.Context(), audit.NewEntry(r.Context(), si.workspace.ID, "suppression.export", "suppression", "",
		map[string]any{"count": len(entries)})); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="suppression-list.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "hash", "reason"})
	for _, e := range entries {
		cw.Write([]string{string(e.Kind), e.Hash, string(e.Reason)})
	}
	cw.Flush()
	return cw.Error()
}

// importSuppressions restores an exported list (CSV kind,hash[,reason]).
func (s *Server) importSuppressions(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	file, _, err := r.FormFile("file")
	if err != nil {
		return errs.Errorf(errs.Invalid, "Choose the CSV file of an export of this list.")
	}
	defer file.Close()
	entries, err := readSuppressionCSV(file)
	if err == nil {
		e := audit.NewEntry(r.Context(), si.workspace.ID, "suppression.import", "suppression", "", nil)
		var n int
		if n, err = s.Suppression.ImportHashes(r.Context(), si.workspace.ID, entries, e); err == nil {
			s.setFlash(w, fmt.Sprintf("%d", n)+" address(es) added to the suppression list.")
			http.Redirect(w, r, "/compliance/suppression", http.StatusSeeOther)
			return nil
		}
	}
	v, verr := s.suppressionView(r, si, suppressionData{})
	if verr != nil {
		return verr
	}
	return s.formError(w, r, si, "suppression", v, err)
}

func readSuppressionCSV(f io.Reader) ([]consent.Suppression, error) {
	cr := csv.NewReader(io.LimitReader(f, 64<<20))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, &errs.Error{Code: errs.Invalid, Message: "The file is not a suppression list export.",
			Fields: map[string]string{"file": "is not valid CSV"}}
	}
	var out []consent.Suppression
	for i, row := range rows {
		if i == 0 && len(row) > 0 && row[0] == "kind" {
			continue
		}
		if len(row) < 2 {
			return nil, &errs.Error{Code: errs.Invalid, Message: "The file is not a suppression list export.",
				Fields: map[string]string{"file": fmt.Sprintf("line %d: expected kind and hash", i+1)}}
		}
		e := consent.Suppression{Kind: consent.SuppressionKind(row[0]), Hash: strings.ToLower(row[1])}
		if len(row) > 2 {
			e.Reason = consent.SuppressionReason(row[2])
		}
		out = append(out, e)
	}
	return out, nil
}

// peopleWithAddress finds the people who have exactly this email or number.
func (s *Server) peopleWithAddress(r *http.Request, si *sessionInfo, address string) ([]crm.Person, error) {
	_, norm, problem := crm.NormalizeEmail(address)
	e164, _, phoneProblem := crm.NormalizePhone(address)
	page, err := s.CRM.Store.People(r.Context(), si.workspace.ID, crm.PeopleFilter{Query: address, Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []crm.Person
	for _, candidate := range page.People {
		p, err := s.CRM.Store.Person(r.Context(), si.workspace.ID, candidate.PublicID)
		if err != nil {
			return nil, err
		}
		match := false
		for _, e := range p.Emails {
			match = match || (problem == "" && e.Norm == norm)
		}
		for _, ph := range p.Phones {
			match = match || (phoneProblem == "" && ph.E164 == e164)
		}
		if match {
			out = append(out, *p)
		}
	}
	return out, nil
}

// setSuppressionPolicy chooses what a write with a suppressed address does.
func (s *Server) setSuppressionPolicy(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	e := audit.NewEntry(r.Context(), si.workspace.ID, "workspace.settings", "workspace", si.workspace.PublicID, nil)
	if err := s.Workspaces.SetSuppressionPolicy(r.Context(), si.workspace.ID, r.PostFormValue("policy"), e); err != nil {
		return err
	}
	s.setFlash(w, "Changes saved.")
	http.Redirect(w, r, "/compliance/suppression", http.StatusSeeOther)
	return nil
}
