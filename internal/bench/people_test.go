package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
)

func service(d *dataset) *crm.Service {
	return crm.NewService(sqldb.CRMStore{DB: d.db}, sqldb.AuditStore{DB: d.db})
}

func benchCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
}

// listPage is what the people list page asks the database: one page and
// the count of matching people.
func listPage(b *testing.B, svc *crm.Service, ws int64, f crm.PeopleFilter) int {
	page, err := svc.People(benchCtx(), ws, f)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CountPeople(benchCtx(), ws, f, 10000); err != nil {
		b.Fatal(err)
	}
	return len(page.People)
}

// samplePeople returns n people spread over the workspace, for lookups.
func samplePeople(b *testing.B, d *dataset, n int) []struct{ id, email, last string } {
	rows, err := d.db.Query(context.Background(), `SELECT public_id, email, last_name FROM people
		WHERE workspace_id = $1 AND email <> '' AND id % 997 = 0 ORDER BY id LIMIT $2`, d.ws.ID, n)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []struct{ id, email, last string }
	for rows.Next() {
		var s struct{ id, email, last string }
		if err := rows.Scan(&s.id, &s.email, &s.last); err != nil {
			b.Fatal(err)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		b.Fatal("no sample people")
	}
	return out
}

func BenchmarkPeopleFirstPage(b *testing.B) {
	for _, sort := range []crm.PeopleSort{crm.SortName, crm.SortLastInteraction} {
		b.Run(string(sort), func(b *testing.B) {
			each(b, func(b *testing.B, d *dataset) {
				svc := service(d)
				for b.Loop() {
					if listPage(b, svc, d.ws.ID, crm.PeopleFilter{Sort: sort, Limit: 50}) != 50 {
						b.Fatal("short page")
					}
				}
			})
		})
	}
}

// BenchmarkPeopleDeepPage reads a page 90% of the way through the list by
// name: with keyset pagination it costs what the first page does.
func BenchmarkPeopleDeepPage(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		var cursor string
		err := d.db.QueryRow(context.Background(), `SELECT public_id FROM people WHERE workspace_id = $1
			ORDER BY sort_key, id LIMIT 1 OFFSET $2`, d.ws.ID, benchPeople()*9/10).Scan(&cursor)
		if err != nil {
			b.Fatal(err)
		}
		svc := service(d)
		for b.Loop() {
			if listPage(b, svc, d.ws.ID, crm.PeopleFilter{After: cursor, Limit: 50}) != 50 {
				b.Fatal("short page")
			}
		}
	})
}

func BenchmarkSearchExactEmail(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		sample, svc := samplePeople(b, d, 200), service(d)
		i := 0
		for b.Loop() {
			if listPage(b, svc, d.ws.ID, crm.PeopleFilter{Query: sample[i%len(sample)].email, Limit: 50}) < 1 {
				b.Fatal("not found")
			}
			i++
		}
	})
}

func BenchmarkSearchNamePrefix(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		sample, svc := samplePeople(b, d, 200), service(d)
		i := 0
		for b.Loop() {
			last := []rune(crm.Fold(sample[i%len(sample)].last))
			prefix := string(last[:min(4, len(last))])
			if listPage(b, svc, d.ws.ID, crm.PeopleFilter{Query: prefix, Limit: 50}) < 1 {
				b.Fatalf("nothing for %q", prefix)
			}
			i++
		}
	})
}

// BenchmarkCreatePerson is the service path of a create: validation,
// duplicate check, person, email and phone rows and the audit entry in one
// transaction.
func BenchmarkCreatePerson(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		svc, run := service(d), time.Now().UnixNano()
		i := 0
		for b.Loop() {
			_, err := svc.CreatePerson(benchCtx(), d.ws.ID, crm.PersonInput{FirstName: "Bench", LastName: fmt.Sprintf("Créé %d", i),
				Emails: []string{fmt.Sprintf("bench.%d.%d@bench.example", run, i)}, Phones: []string{"06 12 34 56 78"}})
			if err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
