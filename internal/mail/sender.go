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
	// Finish records the outcome of each message of a round.
	Finish(ctx context.Context, outcomes []Outcome) error
}

// Outcome is what became of a message: sent, denied (Detail gives the
// rules' reasons) or failed; or, with status queued, a retry at Next.
type Outcome struct {
	ID     int64
	Status string
	Detail string
	Next   time.Time
	At     time.Time
}

// Rules answers whether people may be contacted; consent.Service does.
type Rules interface {
	// CheckMany decides for each person of a list, keyed by public id; a
	// person who no longer exists is left out.
	CheckMany(ctx context.Context, workspaceID int64, personPublicIDs []string, purposeKey string, ch consent.Channel, at time.Time) (map[string]consent.Decision, error)
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

// SendDue runs one round: it returns how many messages it handled. The
// rules are asked once per workspace and purpose for the whole round,
// just before the round is handed to the transport.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	s.defaults()
	now := s.Now()
	msgs, err := s.Outbox.Claim(ctx, now, s.Batch, 5*time.Minute)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	refused, err := s.refused(ctx, msgs)
	if err != nil {
		return 0, err
	}
	var allowed []*Message
	var outcomes []Outcome
	for _, m := range msgs {
		if why, no := refused[m]; no {
			// Refused now: recorded with the reasons, never sent.
			outcomes = append(outcomes, Outcome{ID: m.ID, Status: StatusDenied, Detail: why, At: s.Now()})
			continue
		}
		allowed = append(allowed, m)
	}
	if len(allowed) > 0 {
		results := s.Transport.Send(ctx, allowed)
		for i, m := range allowed {
			if results[i] != nil && ctx.Err() != nil {
				// Not sent because the process is stopping: no attempt
				// is counted, and the message goes when its claim runs
				// out.
				continue
			}
			outcomes = append(outcomes, s.outcome(m, results[i]))
		}
	}
	// Once the round has gone to the server, what happened is recorded
	// even if the process is stopping: left claimed, a message the
	// server accepted would be sent a second time when its claim ran out.
	finish, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := s.Outbox.Finish(finish, outcomes); err != nil {
		return 0, err
	}
	return len(msgs), nil
}

// finishTimeout bounds the recording of a round's outcomes after the
// sender was asked to stop.
const finishTimeout = 10 * time.Second

// refused asks the rules about the messages to people (staff messages
// go) and returns those refused, with the reasons.
func (s *Sender) refused(ctx context.Context, msgs []*Message) (map[*Message]string, error) {
	type batch struct {
		workspaceID int64
		purpose     string
	}
	people := map[batch][]string{}
	var order []batch
	for _, m := range msgs {
		if m.PersonPublicID == "" {
			continue
		}
		b := batch{m.WorkspaceID, m.Purpose}
		if _, ok := people[b]; !ok {
			order = append(order, b)
		}
		people[b] = append(people[b], m.PersonPublicID)
	}
	decisions := map[batch]map[string]consent.Decision{}
	undecidable := map[batch]bool{}
	for _, b := range order {
		d, err := s.Rules.CheckMany(ctx, b.workspaceID, people[b], b.purpose, consent.Email, s.Now())
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.NotFound) {
			// The rules cannot decide (a purpose removed since the
			// message was queued): its messages are refused with why,
			// rather than failing every round from now on.
			undecidable[b] = true
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("check contact rules: %w", err)
		}
		decisions[b] = d
	}
	out := map[*Message]string{}
	for _, m := range msgs {
		if m.PersonPublicID == "" {
			continue
		}
		b := batch{m.WorkspaceID, m.Purpose}
		d, ok := decisions[b][m.PersonPublicID]
		switch {
		case undecidable[b]:
			out[m] = "purpose_unknown"
		case !ok:
			out[m] = "person_deleted"
		case !d.Allowed:
			reasons := make([]string, len(d.Reasons))
			for i, r := range d.Reasons {
				reasons[i] = string(r)
			}
			out[m] = strings.Join(reasons, ",")
		}
	}
	return out, nil
}

func (s *Sender) outcome(m *Message, sendErr error) Outcome {
	now := s.Now()
	switch {
	case sendErr == nil:
		return Outcome{ID: m.ID, Status: StatusSent, At: now}
	case IsTemporary(sendErr) && m.Attempts+1 < s.MaxAttempts:
		// 1, 2, 4, 8… minutes, at most an hour.
		delay := time.Minute << min(m.Attempts, 6)
		s.Log.Warn("email delivery will be retried", "outbox_id", m.ID, "attempt", m.Attempts+1, "err", sendErr)
		return Outcome{ID: m.ID, Status: StatusQueued, Detail: trim(sendErr.Error()), Next: now.Add(delay), At: now}
	default:
		s.Log.Error("email delivery failed", "outbox_id", m.ID, "err", sendErr)
		return Outcome{ID: m.ID, Status: StatusFailed, Detail: trim(sendErr.Error()), At: now}
	}
}

func trim(s string) string {
	if len(s) > 500 {
		return strings.ToValidUTF8(s[:500], "")
	}
	return s
}
