package bench

import (
	"context"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/sqldb"
)

// registerService returns the register of the bench workspace, with the
// CNIL templates adopted (once; kept for later runs).
func registerService(b *testing.B, d *dataset) *register.Service {
	b.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
	svc := register.NewService(sqldb.RegisterStore{DB: d.db}, sqldb.CRMStore{DB: d.db}, sqldb.ConsentStore{DB: d.db}, sqldb.AuditStore{DB: d.db})
	if _, err := svc.AdoptTemplates(ctx, d.ws.ID, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.SetOrganisation(ctx, d.ws.ID, register.Organisation{ControllerName: "Bench SAS", ControllerAddress: "1 rue de Rivoli, Paris",
		ControllerEmail: "rgpd@bench.example"}); err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkRegisterPurposeCovered is the check a form or a campaign makes
// before using a purpose.
func BenchmarkRegisterPurposeCovered(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		svc := registerService(b, d)
		for b.Loop() {
			if err := svc.RequirePurpose(context.Background(), d.ws.ID, consent.EmailMarketing); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRegisterNotice renders the notice a form embeds.
func BenchmarkRegisterNotice(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		svc := registerService(b, d)
		for b.Loop() {
			if _, err := svc.Notice(context.Background(), d.ws.ID, register.NewsletterPurpose, "fr"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRegisterDrift is the register page's drift check.
func BenchmarkRegisterDrift(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		svc := registerService(b, d)
		for b.Loop() {
			if _, err := svc.Drift(context.Background(), d.ws.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRegisterExportPDF exports the whole register as PDF.
func BenchmarkRegisterExportPDF(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		svc := registerService(b, d)
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
		for b.Loop() {
			var n countingWriter
			if err := svc.Export(ctx, d.ws.ID, d.ws.Name, register.FormatPDF, "fr", &n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
