package forms

import (
	"testing"
	"time"
)

// TestPublishedCacheForgets: what a process keeps of a form is dropped by
// forget, and a reading that began before forget cannot put the old
// version back after it.
func TestPublishedCacheForgets(t *testing.T) {
	var c publishedCache
	now := time.Now()
	old := &published{until: now.Add(time.Second)}
	_, gen := c.get("newsletter", now)
	c.put("newsletter", old, gen)
	if p, _ := c.get("newsletter", now); p != old {
		t.Fatal("a fresh entry is not served")
	}
	if p, _ := c.get("newsletter", now.Add(2*time.Second)); p != nil {
		t.Error("an entry past its second is served")
	}
	_, before := c.get("other", now) // a read begins…
	c.forget()                       // …a publish commits…
	c.put("other", old, before)      // …and the read ends
	if p, _ := c.get("other", now); p != nil {
		t.Error("a reading begun before forget put its old entry back")
	}
	if p, _ := c.get("newsletter", now); p != nil {
		t.Error("forget kept an entry")
	}
	_, after := c.get("other", now)
	fresh := &published{until: now.Add(time.Second)}
	c.put("other", fresh, after)
	if p, _ := c.get("other", now); p != fresh {
		t.Error("a reading begun after forget is not kept")
	}
}
