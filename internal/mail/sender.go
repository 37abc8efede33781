package mail

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
)

// Outbox keeps messages until they are sent. Implementations share it
// between processes: Claim hands each due message to one sender for the
// lease, so a process that stops mid-send leaves it to another once the
// lease ends.
type Outbox interface {
	// Claim returns up to limit queued messages due at now and leases them
	// until now+lease.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Message, error)
	// Finish records the outcome of one message: sent, denied (with the
	// rules' reasons) or failed; or, for status queued, a retry at next.
	Finish(ctx context.Context, id int64, status string, detail string, next time.Time, at time.Time) error
}

// Rules answers whether a person may be contacted; consent.Service does.
type Rules interface {
	Check(ctx context.Context, workspaceID int64, personPublicID, purposeKey string, ch consent.Channel, at time.Time) (consent.Decision, error)
}

// Transport delivers messages; SMTP does.
type Transport interface {
	Send(ctx context.Context, msgs []*Message) []error
}

// Sender delivers the outbox: it claims due messages, asks the contact
// rules about each at the moment it leaves, sends those allowed and
// retries temporary failures with a growing delay.
type Sender struct {
	Outbox    Outbox
	Transport Transport
	Rules     Rules
	Log       *slog.Logger
	Now       func() time.Time
	// Batch is how many messages one round claims (default 50).
	Batch int
	// MaxAttempts before a message is failed (default 8).
	MaxAttempts int
	// Poll is the pause between rounds when idle (default 2 s).
	Poll time.Duration

	wake chan struct{}
}

func (s *Sender) defaults() {
	if s.Now == nil {
		s.Now = func() time.Time { return time.Now().UTC() }
	}
	if s.Batch == 0 {
		s.Batch = 50
	}
	if s.MaxAttempts == 0 {
		s.MaxAttempts = 8
	}
	if s.Poll == 0 {
		s.Poll = 2 * time.Second
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
}

// Wake asks the loop to look at the outbox now (after a commit queued a
// message); it never blocks.
func (s *Sender) Wake() {
	if s == nil || s.wake == nil {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers the outbox until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	for {
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error("outbox round failed", "err", err)
		}
		if n == s.Batch && err == nil {
			continue // more may be waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-time.After(s.Poll):
		}
	}
}

// SendDue runs one round: it returns how many messages it handled.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	s.defaults()
	now := s.Now()
	msgs, err := s.Outbox.Claim(ctx, now, s.Batch, 5*time.Minute)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	var allowed []*Message
	for _, m := range msgs {
		ok, why, err := s.allowed(ctx, m)
		if err != nil {
			return 0, err
		}
		if !ok {
			// Refused now: recorded with the reasons, never sent.
			if err := s.Outbox.Finish(ctx, m.ID, StatusDenied, why, time.Time{}, s.Now()); err != nil {
				return 0, err
			}
			continue
		}
		allowed = append(allowed, m)
	}
	if len(allowed) == 0 {
		return len(msgs), nil
	}
	results := s.Transport.Send(ctx, allowed)
	for i, m := range allowed {
		if err := s.finish(ctx, m, results[i]); err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}

// allowed asks the rules about a message to a person; staff messages go.
func (s *Sender) allowed(ctx context.Context, m *Message) (bool, string, error) {
	if m.PersonPublicID == "" {
		return true, "", nil
	}
	d, err := s.Rules.Check(ctx, m.WorkspaceID, m.PersonPublicID, m.Purpose, consent.Email, s.Now())
	if errs.Is(err, errs.NotFound) {
		return false, "person_deleted", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("check contact rules: %w", err)
	}
	if d.Allowed {
		return true, "", nil
	}
	reasons := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		reasons[i] = string(r)
	}
	return false, strings.Join(reasons, ","), nil
}

func (s *Sender) finish(ctx context.Context, m *Message, sendErr error) error {
	now := s.Now()
	switch {
	case sendErr == nil:
		return s.Outbox.Finish(ctx, m.ID, StatusSent, "", time.Time{}, now)
	case IsTemporary(sendErr) && m.Attempts+1 < s.MaxAttempts:
		// 1, 2, 4, 8… minutes, at most an hour.
		delay := time.Minute << min(m.Attempts, 6)
		s.Log.Warn("email delivery will be retried", "outbox_id", m.ID, "attempt", m.Attempts+1, "err", sendErr)
		return s.Outbox.Finish(ctx, m.ID, StatusQueued, trim(sendErr.Error()), now.Add(delay), now)
	default:
		s.Log.Error("email delivery failed", "outbox_id", m.ID, "err", sendErr)
		return s.Outbox.Finish(ctx, m.ID, StatusFailed, trim(sendErr.Error()), time.Time{}, now)
	}
}

func trim(s string) string {
	if len(s) > 500 {
		return strings.ToValidUTF8(s[:500], "")
	}
	return s
}
