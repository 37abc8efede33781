package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

var peerCities = []string{"Paris", "Berlin", "Madrid", "Rome", "Amsterdam", "Lisbon", "Vienna", "Warsaw", "Prague", "Dublin"}

// peersCSV writes (once per size) ../shared/PEERS.md's workload: row i has
// email user%07d@example.com, name "User %07d" and the attributes listmonk
// keeps as JSON, here one column each so they map to a standard field
// (city) and to custom fields.
func peersCSV(b *testing.B, n int) string {
	return csvOnce(b, fmt.Sprintf("registre-peers-%d.csv", n), func(cw *csv.Writer) {
		_ = cw.Write([]string{"email", "name", "city", "age", "plan", "score", "signup_year", "newsletter"})
		plans := []string{"free", "pro", "team"}
		for i := 1; i <= n; i++ {
			_ = cw.Write([]string{fmt.Sprintf("user%07d@example.com", i), fmt.Sprintf("User %07d", i), peerCities[i%10],
				strconv.Itoa(18 + (i*7919)%63), plans[i%3], strconv.Itoa((i * 104729) % 1000), strconv.Itoa(2015 + i%10),
				strconv.FormatBool(i%2 == 0)})
		}
	})
}

// peersFields are the custom fields the workload's attributes map to.
var peersFields = []crm.CustomField{
	{Key: "age", Label: "Age", Kind: crm.FieldNumber},
	{Key: "plan", Label: "Plan", Kind: crm.FieldText},
	{Key: "score", Label: "Score", Kind: crm.FieldNumber},
	{Key: "signup_year", Label: "Signup year", Kind: crm.FieldNumber},
	{Key: "newsletter", Label: "Newsletter", Kind: crm.FieldBoolean},
}

// BenchmarkImportPeers replays listmonk's import workload (PEERS.md:
// 3,620 rows/s at 100,000, 3,687 at 1,000,000, "subscribe" mode) with the
// same consent declaration as BenchmarkImport: one ledger event a person.
// Its emails and names come in order, so unlike BenchmarkImport's French
// file most index entries are appended.
func BenchmarkImportPeers(b *testing.B) {
	path := peersCSV(b, benchPeople())
	benchImport(b, path, func(ctx context.Context, db *sqldb.DB, ws *workspace.Workspace) {
		for _, f := range peersFields {
			f.WorkspaceID, f.Entity = ws.ID, crm.EntityPerson
			if err := (sqldb.CRMStore{DB: db}).CreateCustomField(ctx, &f, audit.NewEntry(ctx, ws.ID, "x", "x", "", nil)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
