package sqldb_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// segFixture is a small workspace whose people each test one criterion.
type segFixture struct {
	ws     *workspace.Workspace
	svc    *segment.Service
	crm    *crm.Service
	people map[string]string // first name → public id
}

func ctxCLI() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
}

func newSegFixture(t *testing.T, db *sqldb.DB) *segFixture {
	t.Helper()
	ctx := ctxCLI()
	ws := newWorkspace(t, db, "acme")
	cs := newService(db)
	cons := consent.NewService(sqldb.ConsentStore{DB: db})
	for _, f := range []crm.CustomField{
		{Entity: crm.EntityPerson, Key: "score", Label: "Score", Kind: crm.FieldNumber},
		{Entity: crm.EntityPerson, Key: "vip", Label: "VIP", Kind: crm.FieldBoolean},
		{Entity: crm.EntityPerson, Key: "sector", Label: "Sector", Kind: crm.FieldSelect, Options: []string{"retail", "industry"}},
		{Entity: crm.EntityOrganisation, Key: "tier", Label: "Tier", Kind: crm.FieldText},
	} {
		if _, err := cs.CreateCustomField(ctx, ws.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	acme, err := cs.CreateOrganisation(ctx, ws.ID, crm.OrganisationInput{Name: "Acme", Kind: crm.B2B, Status: crm.StatusCustomer,
		Custom: map[string]any{"tier": "gold"}})
	if err != nil {
		t.Fatal(err)
	}
	beta, err := cs.CreateOrganisation(ctx, ws.ID, crm.OrganisationInput{Name: "Beta", Kind: crm.B2B, Status: crm.StatusProspect})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	f := &segFixture{ws: ws, crm: cs, svc: segment.NewService(sqldb.SegmentStore{DB: db}), people: map[string]string{}}
	add := func(in crm.PersonInput) string {
		if in.Lifecycle == "" {
			in.Lifecycle = crm.Customer
		}
		if in.Audience == "" {
			in.Audience = crm.B2B
		}
		if in.Origin == "" {
			in.Origin = crm.OriginManual
		}
		p, err := cs.CreatePerson(ctx, ws.ID, in)
		if err != nil {
			t.Fatalf("%s: %v", in.FirstName, err)
		}
		f.people[in.FirstName] = p.PublicID
		return p.PublicID
	}
	alice := add(crm.PersonInput{FirstName: "Alice", LastName: "Martin", Emails: []string{"alice@acme.fr"}, OrganisationID: acme.PublicID,
		JobTitle: "Head of 100% Sales_Ops", Custom: map[string]any{"score": 10, "vip": true, "sector": "retail"}})
	bob := add(crm.PersonInput{FirstName: "Bob", LastName: "Durand", Emails: []string{"bob@acme.fr"}, OrganisationID: acme.PublicID,
		Custom: map[string]any{"score": 3.5, "vip": false}})
	chloe := add(crm.PersonInput{FirstName: "Chloé", LastName: "Petit", Emails: []string{"chloe@acme.fr"}, OrganisationID: acme.PublicID,
		Address: crm.Address{City: "Lyon"}})
	add(crm.PersonInput{FirstName: "David", LastName: "Leroy", Emails: []string{"david@beta.fr"}, OrganisationID: beta.PublicID, Lifecycle: crm.Prospect})
	eve := add(crm.PersonInput{FirstName: "Eve", LastName: "Moreau", Phones: []string{"06 12 34 56 78"}, Audience: crm.B2C, Lifecycle: crm.Lead,
		CollectedAt: now.AddDate(-4, 0, 0)})
	add(crm.PersonInput{FirstName: "Fanny", LastName: "Roux", OrganisationID: acme.PublicID, CollectedAt: now.AddDate(-3, 0, 10)})
	grant := func(pid, purpose string) {
		if _, err := cons.Record(ctx, ws.ID, pid, []consent.Change{{Purpose: purpose, Action: consent.Grant}},
			consent.Proof{SourceKind: consent.SourceStaff, Note: "signed form", SourceID: "paper-1"}); err != nil {
			t.Fatal(err)
		}
	}
	grant(bob, consent.EmailMarketing)
	grant(eve, consent.SMSMarketing)
	if _, err := cons.Record(ctx, ws.ID, eve, []consent.Change{{Purpose: consent.SMSMarketing, Action: consent.Withdraw}},
		consent.Proof{SourceKind: consent.SourceStaff, Note: "STOP"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cons.Record(ctx, ws.ID, chloe, []consent.Change{{Flag: consent.EmailUnsubscribed, Action: consent.Set}},
		consent.Proof{SourceKind: consent.SourceStaff, Note: "asked by phone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AddActivity(ctx, ws.ID, 0, crm.ActivityInput{PersonID: alice, Kind: crm.KindFormSubmission, Subject: "Newsletter",
		OccurredAt: now.AddDate(0, 0, -10)}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AddActivity(ctx, ws.ID, 0, crm.ActivityInput{PersonID: f.people["David"], Kind: crm.KindCall, Subject: "Follow-up",
		OccurredAt: now.AddDate(-4, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *segFixture) names(t *testing.T, tree segment.Node) []string {
	t.Helper()
	page, err := f.svc.People(ctxCLI(), f.ws.ID, tree, []string{"first_name"}, "", 100, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range page.Rows {
		out = append(out, r.Values[0])
	}
	sort.Strings(out)
	return out
}

func c(field, op, value string) segment.Node { return segment.Node{Field: field, Op: op, Value: value} }
func and(ns ...segment.Node) segment.Node    { return segment.Node{Group: segment.And, Children: ns} }
func or(ns ...segment.Node) segment.Node     { return segment.Node{Group: segment.Or, Children: ns} }

func TestSegmentCriteria(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		reoptin, _ := segment.TemplateByKey("reoptin")
		tests := []struct {
			name string
			tree segment.Node
			want string
		}{
			{"Everyone", segment.All(), "Alice Bob Chloé David Eve Fanny"},
			{"EmptyOr", or(), ""},
			{"Reoptin", reoptin.Tree, "Alice"},
			{"TextEqIgnoresCase", c("first_name", "eq", "alice"), "Alice"},
			{"TextNeq", c("last_name", "neq", "Martin"), "Bob Chloé David Eve Fanny"},
			{"ContainsEscapesWildcards", c("job_title", "contains", "100% sales_"), "Alice"},
			{"PercentIsNotAWildcard", c("job_title", "contains", "%"), "Alice"},
			{"UnderscoreIsNotAWildcard", c("first_name", "contains", "_"), ""},
			{"StartsWith", c("email", "starts_with", "b"), "Bob"},
			{"NotContains", c("email", "not_contains", "acme"), "David Eve Fanny"},
			{"Empty", c("email", "is_empty", ""), "Eve Fanny"},
			{"NotEmpty", c("city", "is_not_empty", ""), "Chloé"},
			{"Enum", c("audience", "eq", "b2c"), "Eve"},
			{"EnumNeq", c("lifecycle", "neq", "customer"), "David Eve"},
			{"OrgStatus", c("organisation.status", "eq", "customer"), "Alice Bob Chloé Fanny"},
			{"OrgStatusNeqNeedsAnOrganisation", c("organisation.status", "neq", "customer"), "David"},
			{"OrgName", c("organisation.name", "contains", "bet"), "David"},
			{"OrgCustom", c("organisation.custom.tier", "eq", "GOLD"), "Alice Bob Chloé Fanny"},
			{"CustomNumberGt", c("custom.score", "gt", "5"), "Alice"},
			{"CustomNumberLte", c("custom.score", "lte", "3.5"), "Bob"},
			{"CustomNumberNeqKeepsMissing", c("custom.score", "neq", "10"), "Bob Chloé David Eve Fanny"},
			{"CustomNumberEmpty", c("custom.score", "is_empty", ""), "Chloé David Eve Fanny"},
			{"CustomBoolTrue", c("custom.vip", "is_true", ""), "Alice"},
			{"CustomBoolFalse", c("custom.vip", "is_false", ""), "Bob Chloé David Eve Fanny"},
			{"CustomSelect", c("custom.sector", "eq", "retail"), "Alice"},
			{"ConsentGranted", c("consent.email_marketing", "eq", "granted"), "Bob"},
			{"ConsentWithdrawn", c("consent.sms_marketing", "eq", "withdrawn"), "Eve"},
			{"ConsentNone", c("consent.sms_marketing", "eq", "none"), "Alice Bob Chloé David Fanny"},
			{"ConsentNotGranted", c("consent.email_marketing", "neq", "granted"), "Alice Chloé David Eve Fanny"},
			{"Flag", c("flag.email_unsubscribed", "is_true", ""), "Chloé"},
			{"Contactable", c("contactable.email_marketing", "is_true", ""), "Alice Bob David"},
			{"NotContactable", c("contactable.email_marketing", "is_false", ""), "Chloé Eve Fanny"},
			{"ActivityInPeriod", segment.Node{Field: "activity.form_submission", Op: "within_last", Value: "90", Unit: "days"}, "Alice"},
			{"ActivityOfForm", segment.Node{Field: "activity.form_submission", Op: "ever", Subject: "Newsletter"}, "Alice"},
			{"ActivityOfOtherForm", segment.Node{Field: "activity.form_submission", Op: "ever", Subject: "Webinar"}, ""},
			{"NoActivity", segment.Node{Field: "activity.call", Op: "not_within_last", Value: "1", Unit: "years"}, "Alice Bob Chloé David Eve Fanny"},
			{"LastInteractionOlderThan", segment.Node{Field: "last_interaction_at", Op: "older_than", Value: "3", Unit: "years"}, "David"},
			{"LastInteractionRecent", segment.Node{Field: "last_interaction_at", Op: "within_last", Value: "90", Unit: "days"}, "Alice"},
			{"LastInteractionNever", c("last_interaction_at", "is_empty", ""), "Bob Chloé Eve Fanny"},
			{"LastInteractionSome", c("last_interaction_at", "is_not_empty", ""), "Alice David"},
			{"LastInteractionBefore", c("last_interaction_at", "before", time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)), "David"},
			{"CreatedInTheLast30Days", segment.Node{Field: "created_at", Op: "within_last", Value: "30", Unit: "days"}, "Alice Bob Chloé David Eve Fanny"},
			{"CreatedBefore", c("created_at", "before", "2020-01-01"), ""},
			{"CollectedAfter", c("collected_at", "after", time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)), "Alice Bob Chloé David"},
			{"RetentionPast", c("retention_deadline", "is_past", ""), "David Eve"},
			{"RetentionSoon", segment.Node{Field: "retention_deadline", Op: "within_next", Value: "30", Unit: "days"}, "Fanny"},
			{"Nested", and(c("organisation.status", "eq", "customer"), or(c("first_name", "eq", "Bob"), c("city", "eq", "lyon"))), "Bob Chloé"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := strings.Join(f.names(t, tt.tree), " ")
				if got != tt.want {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
				n, err := f.svc.Count(ctxCLI(), f.ws.ID, tt.tree)
				if err != nil || n != len(strings.Fields(tt.want)) {
					t.Fatalf("count = %d, %v", n, err)
				}
			})
		}
	})
}

func TestSegmentRejectsBadTrees(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		for name, tree := range map[string]segment.Node{
			"UnknownField":   c("password_hash", "eq", "x"),
			"InjectedField":  c("email = '' OR 1=1 --", "eq", "x"),
			"WrongOperator":  c("lifecycle", "contains", "cust"),
			"BadOption":      c("lifecycle", "eq", "boss"),
			"BadNumber":      c("custom.score", "gt", "ten"),
			"BadDate":        c("created_at", "before", "yesterday"),
			"BadUnit":        {Field: "created_at", Op: "within_last", Value: "3", Unit: "weeks"},
			"BadGroup":       {Group: "xor"},
			"OtherWorkspace": c("custom.unknown", "eq", "x"),
		} {
			if _, err := f.svc.Count(ctxCLI(), f.ws.ID, tree); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

func TestSegmentPagination(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		for _, large := range []int{0, 1} {
			// large = 1: pages walk the name index (INDEXED BY on SQLite,
			// no sort on PostgreSQL), as for a large segment.
			f.svc.Store = sqldb.SegmentStore{DB: db, LargePage: large}
			pageThrough(t, f)
		}
	})
}

func pageThrough(t *testing.T, f *segFixture) {
	t.Helper()
	{
		var seen []string
		after := ""
		for {
			page, err := f.svc.People(ctxCLI(), f.ws.ID, segment.All(), []string{"last_name"}, after, 2, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				seen = append(seen, r.Values[0])
			}
			if !page.HasNext {
				break
			}
			after = page.Next
		}
		if got := strings.Join(seen, " "); got != "Durand Leroy Martin Moreau Petit Roux" {
			t.Fatalf("pages: %s", got)
		}
	}
}
