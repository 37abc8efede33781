package importer

import (
	"context"
	"slices"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// Page sizes of the held rows.
const (
	DefaultReviewPage = 20
	MaxReviewPage     = 200
	// bulkReviewBatch is how many held rows one transaction of a bulk
	// resolution takes: each update is a few statements and ledger events.
	bulkReviewBatch = 200
)

// Reviews returns a page of an import's held rows, each beside the person
// it matched. It is a read of personal data: audited with the count.
// Invalid for a limit out of bounds.
func (s *Service) Reviews(ctx context.Context, imp *Import, f ReviewFilter) (*ReviewPage, error) {
	if f.Limit == 0 {
		f.Limit = DefaultReviewPage
	}
	if f.Limit < 0 || f.Limit > MaxReviewPage {
		return nil, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"limit": "must be between 1 and 200"}}
	}
	page, err := s.Store.Reviews(ctx, imp, f)
	if err != nil {
		return nil, err
	}
	e := audit.NewEntry(ctx, imp.WorkspaceID, "import.review.list", "import", imp.PublicID,
		map[string]any{"count": len(page.Reviews), "resolved": f.Resolved})
	return page, s.Store.Record(ctx, e)
}

// Resolve applies a resolution to the held row of a line (see
// Store.Resolve): resolving a row again the same way changes nothing and
// reports changed false. Invalid for an unknown resolution; NotFound;
// Conflict when the row was resolved otherwise or the resolution is
// refused (suppression list, an email that is someone's).
func (s *Service) Resolve(ctx context.Context, imp *Import, line int64, res Resolution) (*Review, bool, error) {
	if !slices.Contains(Resolutions, res) {
		return nil, false, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"resolution": "must be update, create or discard"}}
	}
	e := audit.NewEntry(ctx, imp.WorkspaceID, "import.review."+string(res), "import", imp.PublicID,
		map[string]any{"line": line})
	return s.Store.Resolve(ctx, imp, line, res, e)
}

// ResolveRemaining applies update or discard to every row still waiting,
// in transactions of a few hundred rows, each with its audit entry and
// count. Rows refused (an address on the suppression list under the
// "refuse" policy) stay waiting and are counted. Invalid for another
// resolution.
func (s *Service) ResolveRemaining(ctx context.Context, imp *Import, res Resolution) (BulkResult, error) {
	var total BulkResult
	if !slices.Contains(BulkResolutions, res) {
		return total, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"resolution": "must be update or discard"}}
	}
	for after := int64(0); ; {
		e := audit.NewEntry(ctx, imp.WorkspaceID, "import.review.bulk_"+string(res), "import", imp.PublicID, nil)
		r, err := s.Store.ResolveRemaining(ctx, imp, res, after, bulkReviewBatch, e)
		if err != nil {
			return total, err
		}
		total.Resolved += r.Resolved
		total.Refused += r.Refused
		if r.Next == 0 {
			return total, nil
		}
		after = r.Next
	}
}

// Cancel asks a pending or running import to stop after its current batch;
// the rows already written stay. Audited. NotFound; Conflict when the
// import has already finished.
func (s *Service) Cancel(ctx context.Context, workspaceID int64, publicID string) (*Import, error) {
	e := audit.NewEntry(ctx, workspaceID, "import.cancel", "import", publicID, nil)
	return s.Store.CancelImport(ctx, workspaceID, publicID, e)
}
