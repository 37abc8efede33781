package forms

import (
	"context"
	"sync"
	"time"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// publishedTTL is how long a process serves a form it has read without
// reading it again. Publishing, saving a draft (the form's name) and
// saving the settings in this process forget what it kept at once; another process (several behind one
// PostgreSQL database) serves the new version within this delay. Without
// it, each submission read the form, the settings and the custom fields
// before anything else: three round trips of about fifteen left.
const publishedTTL = time.Second

// published is what a form's public address serves, as read at a moment.
type published struct {
	form     *Form
	version  *Version
	settings Settings
	fields   []crm.CustomField
	until    time.Time
}

type publishedCache struct {
	mu         sync.Mutex
	entries    map[string]*published // by slug
	generation int                   // moved on by forget
}

// get returns what is kept for slug, if still fresh, and the generation a
// new entry read now must be put with.
func (c *publishedCache) get(slug string, now time.Time) (*published, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.entries[slug]; p != nil && now.Before(p.until) {
		return p, c.generation
	}
	return nil, c.generation
}

// put keeps p, unless something was forgotten since its reading began:
// a read that started before a publish must not bring the old version
// back after it.
func (c *publishedCache) put(slug string, p *published, generation int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if generation != c.generation {
		return
	}
	if c.entries == nil || len(c.entries) > 10_000 {
		c.entries = map[string]*published{} // bounded: slugs are cheap to ask for
	}
	c.entries[slug] = p
}

// forget drops everything kept: a change in this process is seen at once.
func (c *publishedCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
	c.generation++
}

// published returns what slug serves, read at most publishedTTL ago.
func (s *Service) published(ctx context.Context, slug string) (*published, error) {
	if !ValidSlug(slug) {
		return nil, errs.Errorf(errs.NotFound, "There is no form at this address.")
	}
	now := time.Now()
	p, generation := s.cache.get(slug, now)
	if p != nil {
		return p, nil
	}
	f, err := s.Store.PublishedForm(ctx, slug)
	if errs.Is(err, errs.NotFound) {
		// Never published, unpublished or deleted: the visitor needs
		// no more than this.
		return nil, errs.Errorf(errs.NotFound, "There is no form at this address.")
	}
	if err != nil {
		return nil, err
	}
	v, err := s.version(ctx, f.CurrentVersionID)
	if err != nil {
		return nil, err
	}
	st, err := s.Store.Settings(ctx, f.WorkspaceID)
	if err != nil {
		return nil, err
	}
	fields, err := s.Fields.CustomFields(ctx, f.WorkspaceID)
	if err != nil {
		return nil, err
	}
	p = &published{form: f, version: v, settings: st, fields: fields, until: now.Add(publishedTTL)}
	s.cache.put(slug, p, generation)
	return p, nil
}
