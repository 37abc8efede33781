package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
	"pgregory.net/rapid"
)

// marker starts every generated text value, so that finding it in the SQL
// text would mean a value was spliced in.
const marker = "zqxv"

func genTree(cat *segment.Catalogue, depth int) *rapid.Generator[segment.Node] {
	fields := cat.Fields()
	return rapid.Custom(func(t *rapid.T) segment.Node {
		if depth < 3 && rapid.IntRange(0, 3).Draw(t, "group?") == 0 {
			n := segment.Node{Group: rapid.SampledFrom([]string{segment.And, segment.Or}).Draw(t, "group")}
			for i := range rapid.IntRange(0, 4).Draw(t, "children") {
				_ = i
				n.Children = append(n.Children, genTree(cat, depth+1).Draw(t, "child"))
			}
			return n
		}
		f := rapid.SampledFrom(fields).Draw(t, "field")
		op := rapid.SampledFrom(segment.Operators[f.Type]).Draw(t, "op")
		n := segment.Node{Field: f.Key, Op: op.Key}
		switch op.Value {
		case segment.ValueText:
			switch {
			case len(f.Options) > 0:
				n.Value = rapid.SampledFrom(f.Options).Draw(t, "option")
			case f.Type == segment.TypeNumber:
				n.Value = rapid.SampledFrom([]string{"-7.25", "1e3", "42", "0.5"}).Draw(t, "number")
			default:
				n.Value = marker + rapid.SampledFrom([]string{"'; DROP TABLE people; --", `" OR 1=1`, "%_\\", "é€😀", "$1", "?", ")"}).Draw(t, "text")
			}
		case segment.ValueDate:
			n.Value = rapid.SampledFrom([]string{"1999-12-31", "2026-02-28", "2038-01-19"}).Draw(t, "date")
		case segment.ValueAmount:
			n.Value = rapid.SampledFrom([]string{"0", "30", "90", "10000"}).Draw(t, "amount")
			n.Unit = rapid.SampledFrom(segment.Units).Draw(t, "unit")
		}
		if f.Type == segment.TypeActivity && rapid.Bool().Draw(t, "subject?") {
			n.Subject = marker + "' OR ''='"
		}
		return n
	})
}

// TestSegmentRandomTrees: random criteria trees compile to queries that
// both engines run, and no value reaches the SQL text.
func TestSegmentRandomTrees(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		store := sqldb.SegmentStore{DB: db}
		cat, _, err := store.Catalogue(context.Background(), f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		rapid.Check(t, func(rt *rapid.T) {
			tree := genTree(cat, 0).Draw(rt, "tree")
			if segment.Criteria(tree) > segment.MaxCriteria {
				return
			}
			q := segment.Query{WorkspaceID: f.ws.ID, Cat: cat, Tree: tree, At: time.Now()}
			text, args, err := store.CountSQL(q)
			if err != nil {
				rt.Fatalf("compile: %v", err)
			}
			if strings.Contains(text, marker) {
				rt.Fatalf("a value reached the SQL text: %s", text)
			}
			var n int
			if err := db.QueryRow(context.Background(), text, args...).Scan(&n); err != nil {
				rt.Fatalf("query: %v\n%s", err, text)
			}
		})
	})
}

// FuzzSegmentTree feeds arbitrary JSON as a criteria tree: it is refused
// or compiles to a query both engines run, without its values in the text.
func FuzzSegmentTree(f *testing.F) {
	for _, s := range []string{
		`{"group":"and","children":[{"field":"email","op":"contains","value":"@"}]}`,
		`{"group":"or","children":[{"field":"first_name","op":"eq","value":"x' OR 1=1 --"},{"group":"and"}]}`,
		`{"field":"custom.score","op":"gt","value":"1e308"}`,
		`{"field":"activity.form_submission","op":"within_last","value":"90","unit":"days","subject":"F"}`,
		`{"field":"organisation.status","op":"eq","value":"customer"}`,
		`{"field":"email = '' OR 1=1","op":"eq","value":"x"}`,
		`{"group":"and","children":[{"group":"and","children":[{"group":"and","children":[{"group":"and","children":[{"group":"and","children":[{"group":"and"}]}]}]}]}]}`,
	} {
		f.Add(s)
	}
	var dbs []*sqldb.DB
	var ws []int64
	var cats []*segment.Catalogue
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		db := sqldbtest.Open(f, engine)
		w := &workspace.Workspace{Slug: "fuzz", Name: "Fuzz"}
		if err := (sqldb.WorkspaceStore{DB: db}).Create(context.Background(), w); err != nil {
			f.Fatal(err)
		}
		cat, _, err := sqldb.SegmentStore{DB: db}.Catalogue(context.Background(), w.ID)
		if err != nil {
			f.Fatal(err)
		}
		dbs, ws, cats = append(dbs, db), append(ws, w.ID), append(cats, cat)
	}
	f.Fuzz(func(t *testing.T, data string) {
		tree, err := segment.ParseTree([]byte(data))
		if err != nil {
			return
		}
		for i, db := range dbs {
			if cats[i].Validate(tree) != nil {
				return
			}
			text, args, err := sqldb.SegmentStore{DB: db}.CountSQL(segment.Query{WorkspaceID: ws[i], Cat: cats[i], Tree: tree, At: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range values(tree) {
				if len(v) >= 4 && strings.Contains(text, v) {
					t.Fatalf("value %q in SQL text %s", v, text)
				}
			}
			var n int
			if err := db.QueryRow(context.Background(), text, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v\n%s", db.Engine, err, text)
			}
		}
	})
}

func values(n segment.Node) []string {
	out := []string{n.Value, n.Subject}
	for _, c := range n.Children {
		out = append(out, values(c)...)
	}
	return out
}
