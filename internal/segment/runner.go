package segment

import (
	"context"
	"log/slog"
	"time"

	"github.com/registre/registre/internal/audit"
)

// Runner runs queued bulk jobs in the background, one at a time per
// process, batch by batch. Each batch commits with its cursor, so a job
// whose process died is taken up again (by this process at its next start,
// or by another one once its heartbeat is stale) where it stopped.
type Runner struct {
	Svc       *Service
	BatchSize int           // people per batch (default 500)
	Stale     time.Duration // a running job without heartbeat for this long is taken over (default 1 min)
	Poll      time.Duration // how often to look for work without a kick (default 5 s)
	Logger    *slog.Logger
	kick      chan struct{}
}

// NewRunner returns a runner and sets the service's Kick to wake it.
func NewRunner(svc *Service, logger *slog.Logger) *Runner {
	r := &Runner{Svc: svc, Logger: logger, kick: make(chan struct{}, 1)}
	svc.Kick = r.Kick
	return r
}

// Kick wakes the runner.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	poll := r.Poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	if r.kick == nil {
		r.kick = make(chan struct{}, 1)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			worked, err := r.RunOne(ctx)
			if err != nil && ctx.Err() == nil && r.Logger != nil {
				r.Logger.Error("bulk job", "error", err)
			}
			if !worked || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
	}
}

// RunOne claims one job and runs it to its end (or until ctx ends); it
// reports whether there was a job.
func (r *Runner) RunOne(ctx context.Context) (bool, error) {
	stale := r.Stale
	if stale <= 0 {
		stale = time.Minute
	}
	size := r.BatchSize
	if size <= 0 {
		size = 500
	}
	now := r.Svc.Now()
	j, err := r.Svc.Store.ClaimJob(ctx, now, now.Add(-stale))
	if err != nil || j == nil {
		return false, err
	}
	// The job acts as whoever confirmed it: ledger events and the audit
	// entry name them.
	jctx := audit.WithRequestID(audit.WithActor(ctx, j.Actor), j.RequestID)
	cat, err := r.Svc.Catalogue(jctx, j.WorkspaceID)
	if err != nil {
		return true, err
	}
	for {
		done, err := r.Svc.Store.RunBatch(jctx, cat, j, size, r.Svc.Now())
		if err != nil || done {
			return true, err
		}
	}
}
