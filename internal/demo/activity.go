package demo

import (
	"strconv"
	"strings"
	"time"

	"github.com/registre/registre/internal/crm"
)

// MaxActivities is the most activities Activities returns for one person.
const MaxActivities = 4

var activityKindWeights = []int{25, 25, 15, 25, 10} // note, call, meeting, email, purchase

var activityKinds = []crm.ActivityKind{crm.KindNote, crm.KindCall, crm.KindMeeting, crm.KindEmail, crm.KindPurchase}

// Activities returns 0 to 4 timeline entries for p, consistent with its
// dates: they happen after collection, the latest one that counts as an
// interaction happens at p.LastInteractionAt, and a person without a last
// interaction only has notes. Authors are p's owner. Ids are left to set.
func (g *Generator) Activities(p *Person) []crm.Activity {
	g.seedStream(&g.actSrc, saltActivity, p.Index)
	r := g.actR
	n := r.IntN(MaxActivities + 1)
	if n == 0 {
		return nil
	}
	out := make([]crm.Activity, n)
	latest := -1
	for k := range out {
		kind := activityKinds[weighted(r, activityKindWeights)]
		if k == 0 && p.Origin == crm.OriginWebForm {
			kind = crm.KindFormSubmission
		}
		if kind == crm.KindPurchase && p.Lifecycle != crm.Customer && p.Lifecycle != crm.FormerCustomer {
			kind = crm.KindCall
		}
		if p.LastInteractionAt.IsZero() {
			kind = crm.KindNote
		}
		a := g.activity(p, kind, k)
		if a.CountsAsInteraction && (latest < 0 || a.OccurredAt.After(out[latest].OccurredAt)) {
			latest = k
		}
		out[k] = a
	}
	if latest >= 0 {
		out[latest].OccurredAt = p.LastInteractionAt
		out[latest].CreatedAt = p.LastInteractionAt
	}
	return out
}

func (g *Generator) activity(p *Person, kind crm.ActivityKind, k int) crm.Activity {
	r := g.actR
	a := crm.Activity{Kind: kind, PublicID: publicID(g.idKey, saltActivity, p.Index*(MaxActivities+1)+int64(k)),
		AuthorUserID: p.OwnerUserID, CountsAsInteraction: kind.CountsByDefault()}
	end := g.now
	if a.CountsAsInteraction {
		end = p.LastInteractionAt
	}
	a.OccurredAt = between(r, p.CollectedAt, end)
	a.CreatedAt = a.OccurredAt.Add(time.Duration(r.IntN(120)) * time.Minute)
	if a.CreatedAt.After(g.now) {
		a.CreatedAt = g.now
	}
	t := activityTexts[string(kind)]
	a.Subject = anyOf(r, t.subjects)
	if strings.Contains(a.Subject, "%d") {
		order := a.OccurredAt.Year()*10000 + r.IntN(10000)
		a.Subject = strings.Replace(a.Subject, "%d", strconv.Itoa(order), 1)
	}
	a.Body = anyOf(r, t.bodies)
	return a
}
