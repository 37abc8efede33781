package register

import (
	"context"
	"slices"
	"strings"
)

// GapKind is a kind of difference between what the CRM does and what the
// register declares.
type GapKind string

// Gap kinds.
const (
	// GapFieldCategory: a custom field collects data of a category that no
	// active entry lists (or the field has no category yet).
	GapFieldCategory GapKind = "field_category"
	// GapPurpose: a consent purpose is covered by no active entry.
	GapPurpose GapKind = "purpose"
	// GapRetention: an entry (active or draft) has no retention rule.
	GapRetention GapKind = "retention"
	// GapProcessor: a processor in use is listed by no active entry.
	GapProcessor GapKind = "processor"
)

// CollectedField is a field something other than the CRM's custom fields
// collects (a published web form), for the drift check.
type CollectedField struct {
	Origin   string       // what collects it, e.g. the form "Newsletter (v3)"
	Key      string       // the field
	Category DataCategory // "" when unclassified
}

// FieldSource is anything that collects personal data besides custom
// fields: forms register one in Service.Sources so that the drift check
// sees their fields too.
type FieldSource interface {
	CollectedFields(ctx context.Context, workspaceID int64) ([]CollectedField, error)
}

// Gap is one difference found by the drift check. Subject is what it is
// about (a field key, a purpose key, an entry id, a processor name) and
// Detail the category for field gaps. Origin, for a field a FieldSource
// reported, is what collects it (a form); "" for custom fields.
type Gap struct {
	Kind    GapKind `json:"kind"`
	Subject string  `json:"subject"`
	Detail  string  `json:"detail,omitempty"`
	EntryID string  `json:"entry_id,omitempty"`
	Origin  string  `json:"origin,omitempty"`
}

// Drift compares the CRM with the register: custom fields of a category
// no active entry lists, consent purposes no active entry covers, entries
// without a retention rule, processors in use that no active entry lists.
func (s *Service) Drift(ctx context.Context, workspaceID int64) ([]Gap, error) {
	entries, err := s.List(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	categories := map[DataCategory]bool{}
	processors := []string{}
	gaps := []Gap{}
	for _, e := range entries {
		if e.Status == Archived {
			continue
		}
		if len(e.Activity.Retention) == 0 {
			gaps = append(gaps, Gap{Kind: GapRetention, Subject: e.Activity.Name, EntryID: e.PublicID})
		}
		if e.Status != Active {
			continue
		}
		for _, c := range e.Activity.Categories {
			categories[c] = true
		}
		for _, p := range e.Activity.Recipients.Processors {
			processors = append(processors, fold(p))
		}
	}
	fields, err := s.Fields.CustomFields(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if f.Category == "" || !categories[DataCategory(f.Category)] {
			gaps = append(gaps, Gap{Kind: GapFieldCategory, Subject: f.Key, Detail: f.Category})
		}
	}
	for _, src := range s.Sources {
		collected, err := src.CollectedFields(ctx, workspaceID)
		if err != nil {
			return nil, err
		}
		for _, f := range collected {
			if f.Category == "" || !categories[f.Category] {
				gaps = append(gaps, Gap{Kind: GapFieldCategory, Subject: f.Key, Detail: string(f.Category), Origin: f.Origin})
			}
		}
	}
	purposes, err := s.Purposes.Purposes(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for _, p := range purposes {
		if !slices.ContainsFunc(entries, func(e Entry) bool { return e.Status == Active && e.Activity.Covers(p.Key) }) {
			gaps = append(gaps, Gap{Kind: GapPurpose, Subject: p.Key})
		}
	}
	org, err := s.Store.Organisation(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for _, p := range org.Processors {
		if !slices.ContainsFunc(processors, func(listed string) bool { return strings.Contains(listed, fold(p.Name)) }) {
			gaps = append(gaps, Gap{Kind: GapProcessor, Subject: p.Name, Detail: p.Service})
		}
	}
	return gaps, nil
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
