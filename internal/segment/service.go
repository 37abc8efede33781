package segment

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Query is a tree evaluated at a moment, over a workspace.
type Query struct {
	WorkspaceID int64
	Cat         *Catalogue
	Tree        Node
	At          time.Time
}

// Page is one page of a segment's people.
type Page struct {
	Columns []Column
	Rows    []Row
	HasNext bool
	Next    string // cursor: the last person's public id
}

// Row is a person of a segment with the chosen columns, printed.
type Row struct {
	PublicID string
	Values   []string
}

// Store keeps segments and runs their queries (sqldb.SegmentStore).
type Store interface {
	Catalogue(ctx context.Context, workspaceID int64) (*Catalogue, []crm.CustomField, error)
	Create(ctx context.Context, s *Segment, e audit.Entry) error
	Update(ctx context.Context, s *Segment, e audit.Entry) error
	Delete(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error
	Get(ctx context.Context, workspaceID int64, publicID string) (*Segment, error)
	List(ctx context.Context, workspaceID int64) ([]Segment, error)
	Count(ctx context.Context, q Query) (int, error)
	CountB2C(ctx context.Context, q Query) (int, error)
	Page(ctx context.Context, q Query, columns []string, after string, limit int, e audit.Entry) (*Page, error)
	// Stream calls fn for each person of the segment, in id order; it
	// returns how many it passed.
	Stream(ctx context.Context, q Query, columns []string, fn func(Row) error) (int, error)
	Record(ctx context.Context, e audit.Entry) error

	CreateJob(ctx context.Context, j *Job) error
	Job(ctx context.Context, workspaceID int64, publicID string) (*Job, error)
	Jobs(ctx context.Context, workspaceID int64, limit int) ([]Job, error)
	CancelJob(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error
	// ClaimJob takes the oldest queued job, or a running one whose
	// heartbeat is older than staleBefore (its process died), and marks it
	// running; nil when there is none.
	ClaimJob(ctx context.Context, now, staleBefore time.Time) (*Job, error)
	// RunBatch applies the job to the next batch of people and commits
	// the changes with the new cursor; done when the job has finished.
	RunBatch(ctx context.Context, cat *Catalogue, j *Job, size int, now time.Time) (done bool, err error)
}

// Service is what the interface, the API and the CLI call.
type Service struct {
	Store Store
	Now   func() time.Time
	// Kick, when set, is called after a job is queued so that the runner
	// starts at once.
	Kick func()
}

// NewService returns a service on the wall clock.
func NewService(s Store) *Service {
	return &Service{Store: s, Now: func() time.Time { return time.Now().UTC() }}
}

// Catalogue returns the fields and columns of a workspace.
func (s *Service) Catalogue(ctx context.Context, workspaceID int64) (*Catalogue, error) {
	c, _, err := s.Store.Catalogue(ctx, workspaceID)
	return c, err
}

// Create validates and saves a new segment.
func (s *Service) Create(ctx context.Context, seg *Segment) error {
	cat, err := s.Catalogue(ctx, seg.WorkspaceID)
	if err != nil {
		return err
	}
	if err := cat.ValidateSegment(seg); err != nil {
		return err
	}
	seg.PublicID = uuid.NewString()
	seg.CreatedAt, seg.UpdatedAt = s.Now(), s.Now()
	return s.Store.Create(ctx, seg, audit.NewEntry(ctx, seg.WorkspaceID, "segment.create", "segment", seg.PublicID,
		map[string]any{"criteria": Criteria(seg.Tree)}))
}

// Update validates and saves a segment's name, criteria and columns.
func (s *Service) Update(ctx context.Context, seg *Segment) error {
	cat, err := s.Catalogue(ctx, seg.WorkspaceID)
	if err != nil {
		return err
	}
	if err := cat.ValidateSegment(seg); err != nil {
		return err
	}
	seg.UpdatedAt = s.Now()
	return s.Store.Update(ctx, seg, audit.NewEntry(ctx, seg.WorkspaceID, "segment.update", "segment", seg.PublicID,
		map[string]any{"criteria": Criteria(seg.Tree)}))
}

// Delete deletes a segment (its people stay).
func (s *Service) Delete(ctx context.Context, workspaceID int64, publicID string) error {
	return s.Store.Delete(ctx, workspaceID, publicID, audit.NewEntry(ctx, workspaceID, "segment.delete", "segment", publicID, nil))
}

// Get returns a segment.
func (s *Service) Get(ctx context.Context, workspaceID int64, publicID string) (*Segment, error) {
	return s.Store.Get(ctx, workspaceID, publicID)
}

// List lists a workspace's segments.
func (s *Service) List(ctx context.Context, workspaceID int64) ([]Segment, error) {
	return s.Store.List(ctx, workspaceID)
}

func (s *Service) query(ctx context.Context, workspaceID int64, tree Node) (Query, error) {
	cat, err := s.Catalogue(ctx, workspaceID)
	if err != nil {
		return Query{}, err
	}
	if err := cat.Validate(tree); err != nil {
		return Query{}, err
	}
	return Query{WorkspaceID: workspaceID, Cat: cat, Tree: tree, At: s.Now()}, nil
}

// Count counts the people a tree selects now.
func (s *Service) Count(ctx context.Context, workspaceID int64, tree Node) (int, error) {
	q, err := s.query(ctx, workspaceID, tree)
	if err != nil {
		return 0, err
	}
	return s.Store.Count(ctx, q)
}

// MaxPage bounds a page of results.
const MaxPage = 200

// People returns a page of the people a tree selects, sorted by name, with
// the chosen columns (the default ones when none); the read is audited.
func (s *Service) People(ctx context.Context, workspaceID int64, tree Node, columns []string, after string, limit int, segmentID string) (*Page, error) {
	q, err := s.query(ctx, workspaceID, tree)
	if err != nil {
		return nil, err
	}
	columns = ColumnsOr(columns)
	if err := q.Cat.ValidateColumns(columns); err != nil {
		return nil, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"columns": err.Error()}}
	}
	if limit <= 0 || limit > MaxPage {
		limit = 50
	}
	e := audit.NewEntry(ctx, workspaceID, "segment.people", "segment", segmentID, map[string]any{"criteria": Criteria(tree)})
	return s.Store.Page(ctx, q, columns, after, limit, e)
}

// Export streams the people a tree selects to w in the format, with the
// chosen columns, and audits the export with its count (also when it
// stops half-way, with the count written).
func (s *Service) Export(ctx context.Context, workspaceID int64, segmentID string, tree Node, columns []string, w Writer) (int, error) {
	q, err := s.query(ctx, workspaceID, tree)
	if err != nil {
		return 0, err
	}
	columns = ColumnsOr(columns)
	if err := q.Cat.ValidateColumns(columns); err != nil {
		return 0, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"columns": err.Error()}}
	}
	header := make([]string, len(columns))
	copy(header, columns)
	if err := w.Header(header); err != nil {
		return 0, err
	}
	n, err := s.Store.Stream(ctx, q, columns, func(r Row) error { return w.Row(r.Values) })
	if err == nil {
		err = w.Close()
	}
	detail := map[string]any{"people": n, "format": w.Format(), "columns": len(columns), "complete": err == nil}
	if aerr := s.Store.Record(context.WithoutCancel(ctx), audit.NewEntry(ctx, workspaceID, "segment.export", "segment", segmentID, detail)); aerr != nil && err == nil {
		err = aerr
	}
	return n, err
}

// StartJob checks a bulk action and queues it as a background job over
// the segment's people as they are now; the count it returns is the number
// of people the confirmation showed.
func (s *Service) StartJob(ctx context.Context, workspaceID int64, seg *Segment, a Action, p Params) (*Job, error) {
	q, p, err := s.checkJob(ctx, workspaceID, seg, a, p)
	if err != nil {
		return nil, err
	}
	total, err := s.Store.Count(ctx, q)
	if err != nil {
		return nil, err
	}
	j := &Job{PublicID: uuid.NewString(), WorkspaceID: workspaceID, SegmentID: seg.ID, Segment: seg.PublicID, SegmentName: seg.Name,
		Action: a, Params: p, Tree: seg.Tree, State: JobQueued, Total: int64(total), Actor: audit.ActorFrom(ctx),
		RequestID: audit.RequestIDFrom(ctx), CreatedAt: s.Now()}
	if err := s.Store.CreateJob(ctx, j); err != nil {
		return nil, err
	}
	if s.Kick != nil {
		s.Kick()
	}
	return j, nil
}

// CheckJob checks a bulk action without queuing it, for the confirmation
// page.
func (s *Service) CheckJob(ctx context.Context, workspaceID int64, seg *Segment, a Action, p Params) error {
	_, _, err := s.checkJob(ctx, workspaceID, seg, a, p)
	return err
}

func (s *Service) checkJob(ctx context.Context, workspaceID int64, seg *Segment, a Action, p Params) (Query, Params, error) {
	q, err := s.query(ctx, workspaceID, seg.Tree)
	if err != nil {
		return q, p, err
	}
	_, custom, err := s.Store.Catalogue(ctx, workspaceID)
	if err != nil {
		return q, p, err
	}
	b2c := 0
	if a == ActConsent {
		if b2c, err = s.Store.CountB2C(ctx, q); err != nil {
			return q, p, err
		}
	}
	find := func(key string) (crm.CustomField, bool) {
		for _, cf := range custom {
			if cf.Entity == crm.EntityPerson && cf.Key == key {
				return cf, true
			}
		}
		return crm.CustomField{}, false
	}
	err = q.Cat.validateParams(a, &p, find, b2c > 0)
	return q, p, err
}

// Job returns a job.
func (s *Service) Job(ctx context.Context, workspaceID int64, publicID string) (*Job, error) {
	return s.Store.Job(ctx, workspaceID, publicID)
}

// Jobs lists a workspace's latest jobs.
func (s *Service) Jobs(ctx context.Context, workspaceID int64) ([]Job, error) {
	return s.Store.Jobs(ctx, workspaceID, 20)
}

// CancelJob asks a job to stop after its current batch (a queued job stops
// at once).
func (s *Service) CancelJob(ctx context.Context, workspaceID int64, publicID string) error {
	return s.Store.CancelJob(ctx, workspaceID, publicID, audit.NewEntry(ctx, workspaceID, "segment.bulk_cancel", "bulk_job", publicID, nil))
}
