package consent

import (
	"context"
	"fmt"
)

// Problem is the first thing wrong found in a chain.
type Problem struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Report is the result of verifying a workspace's chain.
type Report struct {
	Events   int64    `json:"events"`
	HeadSeq  int64    `json:"head_seq"`
	HeadHash string   `json:"head_hash"`
	Problem  *Problem `json:"problem,omitempty"`
}

// OK reports whether the chain verified.
func (r *Report) OK() bool { return r.Problem == nil }

// Verify walks a workspace's whole chain and reports the first event that
// was altered, removed or inserted. Keep the head hash it reports: a chain
// rewritten in full from an older point would no longer end with it.
func Verify(ctx context.Context, s Store, workspaceID int64) (*Report, error) {
	headSeq, headHash, err := s.Head(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	r := &Report{HeadSeq: headSeq, HeadHash: headHash}
	var seq int64
	prev := ""
	for {
		batch, err := s.ChainEvents(ctx, workspaceID, seq, 5000)
		if err != nil {
			return nil, err
		}
		for i := range batch {
			e := &batch[i]
			if p := check(e, seq, prev); p != nil {
				r.Problem = p
				return r, nil
			}
			seq, prev = e.Seq, e.Hash
			r.Events++
		}
		if len(batch) < 5000 {
			break
		}
	}
	if seq != headSeq || prev != headHash {
		r.Problem = &Problem{Seq: seq + 1, Reason: fmt.Sprintf("the chain ends at event %d but its head says %d: events were removed from the end", seq, headSeq)}
	}
	return r, nil
}

// check compares an event with the one before it in the chain.
func check(e *Event, prevSeq int64, prevHash string) *Problem {
	switch {
	case e.Seq != prevSeq+1:
		return &Problem{Seq: prevSeq + 1, Reason: fmt.Sprintf("event %d is missing: the chain jumps from %d to %d (removed)", prevSeq+1, prevSeq, e.Seq)}
	case e.PrevHash != prevHash:
		return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("event %d does not follow event %d (inserted, or its predecessor was replaced)", e.Seq, prevSeq)}
	case e.ComputeHash() != e.Hash:
		return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("event %d was altered: its content no longer matches its hash", e.Seq)}
	case !e.PIIIntact():
		return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("event %d was altered: its IP, user agent, page or note changed", e.Seq)}
	case e.WordingSHA256 != "" && sha256Hex(e.Wording) != e.WordingSHA256:
		return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("event %d was altered: the wording shown no longer matches its hash", e.Seq)}
	}
	return nil
}

// VerifyEvents checks a person's events on their own: each hash and digest,
// and that each follows the event before it in the chain.
func VerifyEvents(ctx context.Context, s Store, workspaceID int64, events []Event) (*Problem, error) {
	for i := range events {
		e := &events[i]
		prevHash := ""
		if e.Seq > 1 {
			prev, err := s.EventBySeq(ctx, workspaceID, e.Seq-1)
			if err != nil {
				return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("the event before %d is missing", e.Seq)}, nil
			}
			prevHash = prev.Hash
		}
		if p := check(e, e.Seq-1, prevHash); p != nil {
			return p, nil
		}
	}
	return nil, nil
}
