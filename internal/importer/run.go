package importer

import (
	"cmp"
	"context"
	"errors"
	"io"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// BatchRows is how many rows one transaction writes by default
// (Service.BatchRows changes it). Larger transactions
// write faster (each commit rewrites the index pages it touched) but hold
// the write lock longer: 10,000 rows take about a quarter of a second.
const BatchRows = 10_000

// Batch is what one transaction writes: the valid rows, the problems of
// the invalid ones, and the checkpoint (the last line of the file it
// covers).
type Batch struct {
	Records  []*Record
	Problems []Problem
	Rows     int64 // rows read, blank ones excluded
	LastLine int64
	// Prepared is what a Preparer worked out for the batch before its
	// transaction; WriteBatch works it out itself when it is nil.
	Prepared any
}

// Preparer is what a Store may also offer: the work on a batch that needs
// no transaction (keyed hashes, encodings, identifiers), done by the
// goroutine that parses the next rows while the writer writes. The
// writer, which holds the database's only write lock on SQLite, is what
// limits an import's speed.
type Preparer interface {
	PrepareBatch(ctx context.Context, imp *Import, b *Batch) error
}

// Loader is what a Store may also offer for large files: room for the
// indexes a load of rows fills, given back by the returned function.
type Loader interface {
	PrepareLoad(ctx context.Context, rows int64) (done func(), err error)
}

// Store keeps imports and writes their rows.
type Store interface {
	// CreateImport records a new import with its audit entry.
	CreateImport(ctx context.Context, imp *Import, e audit.Entry) error
	// Import returns an import of the workspace, or NotFound.
	Import(ctx context.Context, workspaceID int64, publicID string) (*Import, error)
	// WriteBatch writes a batch in one transaction: the people (new,
	// updated or kept for review under the import's policy, refused when
	// on the suppression list under the workspace's "refuse" policy),
	// their consent events, the problems, and the import's checkpoint and
	// counts, which it adds to imp.Counts. Nothing of the batch is written
	// when it returns an error.
	WriteBatch(ctx context.Context, imp *Import, b *Batch) error
	// SetStatus records that the import is running, or has stopped (with
	// the audit entry when it has).
	SetStatus(ctx context.Context, imp *Import, st Status, problem string, e *audit.Entry) error
	// Problems calls fn for each problem of an import, in line order.
	Problems(ctx context.Context, importID int64, fn func(Problem) error) error
	// SaveMapping creates or replaces a named mapping of the workspace.
	SaveMapping(ctx context.Context, workspaceID int64, m SavedMapping, e audit.Entry) error
	// Mappings lists the workspace's saved mappings by name.
	Mappings(ctx context.Context, workspaceID int64) ([]SavedMapping, error)

	// CancelImport asks a pending or running import to stop at its next
	// batch, with the audit entry, and returns it; asking again changes
	// nothing. Conflict when the import has finished; NotFound.
	CancelImport(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) (*Import, error)
	// Reviews returns a page of an import's held rows in line order, each
	// with the person it matched as they are now.
	Reviews(ctx context.Context, imp *Import, f ReviewFilter) (*ReviewPage, error)
	// Resolve applies a resolution to the held row of a line and records
	// it, the import's counts and the audit entry (to which it adds the
	// person's public id) in one transaction. A row already resolved the
	// same way is returned unchanged with changed false; NotFound,
	// Conflict (resolved otherwise; an address on the suppression list
	// under the "refuse" policy; for create, an email that is someone's).
	Resolve(ctx context.Context, imp *Import, line int64, res Resolution, e audit.Entry) (rv *Review, changed bool, err error)
	// ResolveRemaining applies update or discard to up to limit waiting
	// rows after line after, in one transaction with e (given the count)
	// when it resolved any. Rows it must refuse stay waiting.
	ResolveRemaining(ctx context.Context, imp *Import, res Resolution, after int64, limit int, e audit.Entry) (BulkResult, error)
	// Record writes an audit entry (reads of held rows).
	Record(ctx context.Context, e audit.Entry) error
}

// ErrCancelled is returned by WriteBatch, before writing anything, when
// someone asked the import to stop.
var ErrCancelled = errors.New("import cancelled")

// Workspace gives what the parser needs of the workspace.
type Workspace interface {
	CustomFields(ctx context.Context, workspaceID int64) ([]crm.CustomField, error)
	Purposes(ctx context.Context, workspaceID int64) ([]consent.Purpose, error)
}

// Progress is told the number of rows done after each batch.
type Progress func(rowsDone int64)

// Run reads the source's rows after the import's checkpoint and writes
// them batch by batch; it may be called again after a crash or a
// cancellation and carries on where the last committed batch ended. Rows
// are parsed in one goroutine while this one writes. It returns the
// *FileError that stopped it, the context's error, or a store error; the
// import's status is the caller's to record.
func Run(ctx context.Context, st Store, imp *Import, src Source, parser *Parser, batchRows int, progress Progress) error {
	if batchRows <= 0 {
		batchRows = BatchRows
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *Batch, 1)
	var readErr error
	prepare := func(*Batch) error { return nil }
	if p, ok := st.(Preparer); ok {
		prepare = func(b *Batch) error { return p.PrepareBatch(ctx, imp, b) }
	}
	go func() {
		defer close(batches)
		readErr = produce(ctx, src, parser, imp.Line, int64(batchRows), prepare, batches)
	}()
	for b := range batches {
		if err := st.WriteBatch(ctx, imp, b); err != nil {
			cancel()
			for range batches {
			}
			return err
		}
		if progress != nil {
			progress(imp.Counts.Rows)
		}
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// produce parses rows after line skip into batches, prepared for writing.
func produce(ctx context.Context, src Source, parser *Parser, skip, batchRows int64, prepare func(*Batch) error,
	out chan<- *Batch) error {
	b := &Batch{}
	var prepErr error
	send := func() bool {
		if prepErr = prepare(b); prepErr != nil {
			return false
		}
		select {
		case out <- b:
			b = &Batch{}
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		rec, line, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if b.LastLine > 0 && !send() && prepErr != nil {
				return prepErr
			}
			return err
		}
		if int64(line) <= skip {
			continue
		}
		r, probs := parser.Parse(rec, int64(line))
		b.LastLine = int64(line)
		if r != nil || probs != nil {
			b.Rows++
		}
		if r != nil {
			b.Records = append(b.Records, r)
		}
		b.Problems = append(b.Problems, probs...)
		if b.Rows >= batchRows && !send() {
			return cmp.Or(prepErr, ctx.Err())
		}
	}
	if b.LastLine > 0 && !send() {
		return cmp.Or(prepErr, ctx.Err())
	}
	return nil
}

// Count reads a source to the end and returns its number of rows (blank
// ones included), or the *FileError that stops it: run on the file before
// importing, it finds a broken file before anything is written and gives
// the progress bar its total. It stops when ctx ends (a shutdown need not
// wait for a large file's count).
func Count(ctx context.Context, src Source) (int64, error) {
	var n int64
	for {
		if n%4096 == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
		_, _, err := src.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// Now is the clock; tests may replace it.
var Now = func() time.Time { return time.Now().UTC() }
