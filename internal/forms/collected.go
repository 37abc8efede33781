package forms

import (
	"context"
	"strings"

	"github.com/registre/registre/internal/crm"
)

// Fields of the consent proof: kept with each consent a form records
// (consent.Proof), so a form with a consent box collects them too.
const (
	ProofIP        = "ip_address"
	ProofUserAgent = "user_agent"
)

// personFieldCategory is the category of personal data (the CNIL model
// register's, as crm.FieldCategories) of each person field: names,
// addresses and numbers identify a person; a job title is professional
// life.
var personFieldCategory = map[string]string{
	FieldEmail: "identity", FieldFirstName: "identity", FieldLastName: "identity", FieldPhone: "identity",
	FieldPostalCode: "identity", FieldCity: "identity", FieldCountry: "identity",
	FieldJobTitle: "professional_life",
}

// Collected is a field a published form collects and the category of
// personal data it belongs to ("" for a custom field nobody classified).
type Collected struct {
	FormPublicID string
	FormName     string
	Version      int
	Key          string
	Category     string
}

// Collected lists what a person gives through d: each field with its
// category (custom fields carry theirs), and the connection data kept as
// the proof of consent when d has a consent box.
func (d *Definition) Collected(custom []crm.CustomField) []Collected {
	var out []Collected
	for _, f := range d.Fields {
		c := Collected{Key: f.Key, Category: personFieldCategory[f.Key]}
		if key, ok := strings.CutPrefix(f.Key, customPrefix); ok {
			for _, cf := range custom {
				if cf.Entity == crm.EntityPerson && cf.Key == key {
					c.Category = cf.Category
				}
			}
		}
		out = append(out, c)
	}
	if len(d.Checkboxes) > 0 {
		out = append(out, Collected{Key: ProofIP, Category: "connection"}, Collected{Key: ProofUserAgent, Category: "connection"})
	}
	return out
}

// CollectedFields lists the fields the published version of each form of
// the workspace collects, for the register's drift check. Drafts collect
// nothing until they are published.
func (s *Service) CollectedFields(ctx context.Context, workspaceID int64) ([]Collected, error) {
	all, err := s.Store.Forms(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	custom, err := s.Fields.CustomFields(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	var out []Collected
	for _, f := range all {
		if f.CurrentVersionID == 0 {
			continue
		}
		v, err := s.version(ctx, f.CurrentVersionID)
		if err != nil {
			return nil, err
		}
		for _, c := range v.Definition.Collected(custom) {
			c.FormPublicID, c.FormName, c.Version = f.PublicID, f.Name, v.Number
			out = append(out, c)
		}
	}
	return out, nil
}
