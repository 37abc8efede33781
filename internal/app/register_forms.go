package app

import (
	"context"
	"strings"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/register"
)

// registerNotices gives forms their legal notice from the register of
// processing: the notice of each active entry covering one of the form's
// purposes, in the order of the checkboxes, each once.
type registerNotices struct{ r *register.Service }

var _ forms.NoticeSource = registerNotices{}

func (n registerNotices) Notice(ctx context.Context, workspaceID int64, purposes []string, lang string) (string, bool, error) {
	seen := map[string]bool{}
	var texts []string
	for _, key := range purposes {
		e, err := n.r.ActiveEntryFor(ctx, workspaceID, key)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return "", false, err
		}
		if seen[e.PublicID] {
			continue
		}
		seen[e.PublicID] = true
		notice, err := n.r.Notice(ctx, workspaceID, e.PublicID, lang)
		if errs.Is(err, errs.Invalid) {
			continue // an entry whose notice cannot be filled in yet: the form keeps its own text
		}
		if err != nil {
			return "", false, err
		}
		texts = append(texts, notice.Text)
	}
	return strings.Join(texts, "\n\n"), len(texts) > 0, nil
}

// formFields reports to the register's drift check what the published
// forms collect: each field with its category of personal data, and the
// connection data kept as the proof of consent.
type formFields struct{ f *forms.Service }

var _ register.FieldSource = formFields{}

func (s formFields) CollectedFields(ctx context.Context, workspaceID int64) ([]register.CollectedField, error) {
	collected, err := s.f.CollectedFields(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]register.CollectedField, 0, len(collected))
	for _, c := range collected {
		out = append(out, register.CollectedField{Origin: c.FormName, Key: c.Key, Category: register.DataCategory(c.Category)})
	}
	return out, nil
}
