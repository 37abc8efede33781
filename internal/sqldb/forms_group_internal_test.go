package sqldb

import (
	"testing"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
)

// TestVetNewSendsFailingPlansAlone: a new person's plan that would fail
// (an event or a message that does not validate) leaves the group's
// multi-row statements for the one-by-one path, ahead of the others, so
// that it fails alone; valid plans stay.
func TestVetNewSendsFailingPlansAlone(t *testing.T) {
	plan := func(ua, to string) *submitReq {
		p := &forms.Plan{WorkspaceID: 1, At: time.Now(), New: &crm.Person{PublicID: crm.NewPublicID(), WorkspaceID: 1},
			Consents: []forms.Consent{{Purpose: consent.EmailMarketing, Action: consent.Request, Wording: "J'accepte"}},
			Proof:    consent.Proof{LegalBasis: consent.BasisConsent, SourceKind: consent.SourceForm, SourceID: "f", SourceVersion: "v", UserAgent: ua},
			Messages: []*mail.Message{{Purpose: consent.TransactionalMail, From: "news@acme.example", To: to, Subject: "Confirmez", Text: "Bonjour"}}}
		return &submitReq{plan: p}
	}
	good, badUA, badTo, known := plan("Firefox", "a@b.fr"), plan("bad\xff\xfe", "c@d.fr"), plan("Firefox", "not an address"), plan("Firefox", "e@f.fr")
	fresh, rest := vetNew([]*submitReq{good, badUA, badTo}, []*submitReq{known})
	if len(fresh) != 1 || fresh[0] != good {
		t.Errorf("kept together: %d plans, want the valid one", len(fresh))
	}
	if len(rest) != 3 || rest[0] != badUA || rest[1] != badTo || rest[2] != known {
		t.Errorf("one by one: %d plans, want the two failing ones, then the known person's", len(rest))
	}
}
