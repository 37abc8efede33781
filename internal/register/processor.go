package register

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
)

// ProcessorRecord is one line of the processor's register (GDPR Art.
// 30(2)) that the operator of a hosted Registre keeps: a client workspace,
// its controller with the DPO and representative, and the categories of
// processing the operator carries out for it.
type ProcessorRecord struct {
	Workspace      string   `json:"workspace"`
	WorkspaceName  string   `json:"workspace_name"`
	Controller     string   `json:"controller"`
	Contact        string   `json:"contact"`
	Representative string   `json:"representative"`
	DPO            string   `json:"dpo"`
	Categories     []string `json:"categories"`
	Transfers      []string `json:"transfers"`
}

// HostingCategories are the processing the operator carries out for every
// client workspace, whatever its register says.
var HostingCategories = []string{
	"Hébergement et stockage des données du CRM / Hosting and storage of the CRM data",
	"Sauvegardes / Backups",
	"Envoi des messages demandés par le client / Sending the messages the client asks for",
}

// ProcessorRecord builds the processor's register line of one workspace:
// the hosting categories, then one category per active entry ("on behalf
// of the controller: <activity>"). Transfers are those the operator makes
// (its own sub-processors outside the EU), given by the caller.
func (s *Service) ProcessorRecord(ctx context.Context, workspaceID int64, slug, name string, transfers []string) (ProcessorRecord, error) {
	org, err := s.Organisation(ctx, workspaceID)
	if err != nil {
		return ProcessorRecord{}, err
	}
	entries, err := s.List(ctx, workspaceID)
	if err != nil {
		return ProcessorRecord{}, err
	}
	r := ProcessorRecord{Workspace: slug, WorkspaceName: name, Controller: firstNonEmpty(org.ControllerName, name),
		Contact: strings.TrimSpace(org.ControllerAddress + " " + org.ControllerEmail), Representative: org.Representative,
		DPO: strings.TrimSpace(org.DPOName + " " + org.DPOEmail), Categories: append([]string{}, HostingCategories...), Transfers: transfers}
	for _, e := range entries {
		if e.Status == Active {
			r.Categories = append(r.Categories, e.Activity.Name)
		}
	}
	if r.Transfers == nil {
		r.Transfers = []string{}
	}
	return r, nil
}

// WriteProcessorCSV writes the processor's register, one row per client
// workspace; security describes the operator's own measures (Art. 30(2)(d)).
func WriteProcessorCSV(w io.Writer, records []ProcessorRecord, security string) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"Espace client / Client workspace", "Responsable du traitement / Controller", "Coordonnées / Contact",
		"Représentant / Representative", "DPO", "Catégories de traitements / Categories of processing",
		"Transferts hors UE / Transfers outside the EU", "Mesures de sécurité / Security measures"})
	for _, r := range records {
		cw.Write(neutralise([]string{r.Workspace, r.Controller, r.Contact, r.Representative, r.DPO,
			strings.Join(r.Categories, "; "), strings.Join(r.Transfers, "; "), security}))
	}
	cw.Flush()
	return cw.Error()
}
