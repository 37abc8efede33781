package sqldb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/segment"
)

// A segment's tree compiles to one SQL condition on people p. Column names
// come from the whitelists below and the catalogue (custom field keys and
// purpose keys travel as arguments too); every value is an argument of b.
// The fuzz test of segments_test.go checks that no value reaches the text.

var segPersonCols = map[string]string{
	"first_name": "p.first_name", "last_name": "p.last_name", "email": "p.email", "phone": "p.phone",
	"job_title": "p.job_title", "lifecycle": "p.lifecycle", "audience": "p.audience", "origin": "p.origin",
	"origin_detail": "p.origin_detail", "postal_code": "p.postal_code", "city": "p.city", "region": "p.region",
	"country": "p.country", "soft_opt_in": "p.soft_opt_in", "created_at": "p.created_at",
	"collected_at": "p.collected_at", "last_interaction_at": "p.last_interaction_at",
}

var segOrgCols = map[string]string{
	"name": "o.name", "status": "o.status", "kind": "o.kind", "city": "o.city", "country": "o.country",
	"last_interaction_at": "o.last_interaction_at",
}

type segCompiler struct {
	b      *builder
	engine Engine
	cat    *segment.Catalogue
	now    time.Time
	ws     string // the workspace argument
}

// compileSegment returns the condition of tree on people p, adding its
// arguments to b; ws is the placeholder of the workspace id already in b.
func compileSegment(b *builder, engine Engine, cat *segment.Catalogue, tree segment.Node, now time.Time, ws string) (string, error) {
	if err := cat.Validate(tree); err != nil {
		return "", err
	}
	c := &segCompiler{b: b, engine: engine, cat: cat, now: now, ws: ws}
	return c.node(tree), nil
}

func (c *segCompiler) node(n segment.Node) string {
	if n.IsGroup() {
		if len(n.Children) == 0 {
			if n.Group == segment.Or {
				return "FALSE"
			}
			return "TRUE"
		}
		parts := make([]string, len(n.Children))
		for i, ch := range n.Children {
			parts[i] = c.node(ch)
		}
		sep := " AND "
		if n.Group == segment.Or {
			sep = " OR "
		}
		return "(" + strings.Join(parts, sep) + ")"
	}
	f, _ := c.cat.Field(n.Field) // validated
	switch f.Source {
	case segment.SrcPerson:
		return c.typed(f, segPersonCols[f.Ref], n)
	case segment.SrcOrganisation:
		return `p.organisation_id IN (SELECT o.id FROM organisations o WHERE o.workspace_id = ` + c.ws +
			` AND ` + c.typed(f, segOrgCols[f.Ref], n) + `)`
	case segment.SrcPersonCustom:
		return c.custom(f, "p.custom", n)
	case segment.SrcOrgCustom:
		return `p.organisation_id IN (SELECT o.id FROM organisations o WHERE o.workspace_id = ` + c.ws +
			` AND ` + c.custom(f, "o.custom", n) + `)`
	case segment.SrcConsent:
		return c.consentState(f, n)
	case segment.SrcFlag:
		bit := c.b.arg(consent.FlagBit(consent.Flag(f.Ref)))
		if n.Op == "is_false" {
			return `(p.consent_flags & ` + bit + `) = 0`
		}
		return `(p.consent_flags & ` + bit + `) <> 0`
	case segment.SrcContactable:
		cond := contactable(c.b, *f.Purpose, f.Purpose.Channel, c.now, c.cat.Contact)
		if n.Op == "is_false" {
			return "(NOT " + cond + ")"
		}
		return cond
	case segment.SrcActivity:
		return c.activity(f, n)
	case segment.SrcRetention:
		return c.date(`COALESCE(p.last_interaction_at, p.collected_at)`, n, c.cat.Retention.Back)
	}
	return "FALSE"
}

// typed compiles a criterion on a column by the field's type.
func (c *segCompiler) typed(f segment.Field, col string, n segment.Node) string {
	switch f.Type {
	case segment.TypeText:
		return c.text(col, n)
	case segment.TypeEnum:
		if n.Op == "neq" {
			return col + ` <> ` + c.b.arg(n.Value)
		}
		return col + ` = ` + c.b.arg(n.Value)
	case segment.TypeBool:
		if n.Op == "is_false" {
			return col + ` = FALSE`
		}
		return col + ` = TRUE`
	case segment.TypeDate:
		if col == "p.last_interaction_at" {
			return c.lastInteraction(n)
		}
		return c.date(col, n, nil)
	}
	return "FALSE"
}

// lastInteraction compiles a date criterion on people's last interaction
// through the expression that people_last_interaction_sort indexes (-1 for
// never), so that it reads a range of that index instead of the whole
// workspace; people who never interacted match only "is empty".
func (c *segCompiler) lastInteraction(n segment.Node) string {
	const col = `COALESCE(p.last_interaction_at, -1)`
	switch n.Op {
	case "is_empty":
		return col + ` = -1`
	case "is_not_empty":
		return col + ` >= 0`
	}
	return `(` + col + ` >= 0 AND ` + c.date(col, n, nil) + `)`
}

// likePattern escapes the wildcards of a value for LIKE … ESCAPE '\'.
func likePattern(v string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
}

// text compiles a text criterion, ignoring case: SQLite's LIKE and
// NOCASE already ignore the case of ASCII letters (as its LOWER does);
// PostgreSQL lowers both sides.
func (c *segCompiler) text(col string, n segment.Node) string {
	val := func(v string) string { return `LOWER(CAST(` + c.b.arg(v) + ` AS TEXT))` }
	lc := `LOWER(COALESCE(` + col + `, ''))`
	if c.engine == SQLite {
		val = func(v string) string { return c.b.arg(v) }
		lc = `COALESCE(` + col + `, '')`
		switch n.Op {
		case "eq":
			return lc + ` = ` + val(n.Value) + ` COLLATE NOCASE`
		case "neq":
			return lc + ` <> ` + val(n.Value) + ` COLLATE NOCASE`
		}
	}
	switch n.Op {
	case "eq":
		return lc + ` = ` + val(n.Value)
	case "neq":
		return lc + ` <> ` + val(n.Value)
	case "contains":
		return lc + ` LIKE ` + val("%"+likePattern(n.Value)+"%") + ` ESCAPE '\'`
	case "not_contains":
		return lc + ` NOT LIKE ` + val("%"+likePattern(n.Value)+"%") + ` ESCAPE '\'`
	case "starts_with":
		return lc + ` LIKE ` + val(likePattern(n.Value)+"%") + ` ESCAPE '\'`
	case "is_empty":
		return `COALESCE(` + col + `, '') = ''`
	case "is_not_empty":
		return `COALESCE(` + col + `, '') <> ''`
	}
	return "FALSE"
}

// date compiles a date criterion on a column of microseconds. shift maps
// a bound on the criterion's date to a bound on the column (the retention
// deadline is the column plus the retention period).
func (c *segCompiler) date(col string, n segment.Node, shift func(time.Time) time.Time) string {
	if shift == nil {
		shift = func(t time.Time) time.Time { return t }
	}
	at := func(t time.Time) string { return c.b.arg(shift(t).UnixMicro()) }
	amount, _ := strconv.Atoi(n.Value)
	switch n.Op {
	case "older_than":
		return col + ` < ` + at(segment.Shift(c.now, -amount, n.Unit))
	case "within_last":
		return `(` + col + ` >= ` + at(segment.Shift(c.now, -amount, n.Unit)) + ` AND ` + col + ` <= ` + at(c.now) + `)`
	case "within_next":
		return `(` + col + ` >= ` + at(c.now) + ` AND ` + col + ` < ` + at(segment.Shift(c.now, amount, n.Unit)) + `)`
	case "is_past":
		return col + ` < ` + at(c.now)
	case "before":
		d, _ := time.Parse(time.DateOnly, n.Value)
		return col + ` < ` + at(d)
	case "after":
		d, _ := time.Parse(time.DateOnly, n.Value)
		return col + ` >= ` + at(d.AddDate(0, 0, 1))
	case "is_empty":
		return col + ` IS NULL`
	case "is_not_empty":
		return col + ` IS NOT NULL`
	}
	return "FALSE"
}

// customExprs returns the SQL reading a custom field of a JSON column: as
// text, as a number (NULL when not a number) and as "is true".
func (c *segCompiler) customExprs(jsonCol, key string) (text, number, isTrue string) {
	if c.engine == Postgres {
		k := c.b.arg(key)
		text = `(` + jsonCol + ` ->> CAST(` + k + ` AS TEXT))`
		number = `(CASE WHEN jsonb_typeof(` + jsonCol + ` -> CAST(` + k + ` AS TEXT)) = 'number' THEN CAST(` + jsonCol + ` ->> CAST(` + k + ` AS TEXT) AS DOUBLE PRECISION) END)`
		isTrue = `COALESCE((` + jsonCol + ` -> CAST(` + k + ` AS TEXT)) = CAST('true' AS JSONB), FALSE)`
		return
	}
	path := c.b.arg(`$."` + key + `"`)
	text = `CAST(json_extract(` + jsonCol + `, ` + path + `) AS TEXT)`
	number = `(CASE WHEN json_type(` + jsonCol + `, ` + path + `) IN ('integer', 'real') THEN json_extract(` + jsonCol + `, ` + path + `) END)`
	isTrue = `COALESCE(json_type(` + jsonCol + `, ` + path + `) = 'true', FALSE)`
	return
}

func (c *segCompiler) custom(f segment.Field, jsonCol string, n segment.Node) string {
	text, number, isTrue := c.customExprs(jsonCol, f.Ref)
	switch f.Type {
	case segment.TypeBool:
		if n.Op == "is_false" {
			return isTrue + ` = FALSE`
		}
		return isTrue + ` = TRUE`
	case segment.TypeNumber:
		if n.Op == "is_empty" {
			return number + ` IS NULL`
		}
		if n.Op == "is_not_empty" {
			return number + ` IS NOT NULL`
		}
		v, _ := strconv.ParseFloat(n.Value, 64)
		ops := map[string]string{"eq": "=", "neq": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
		cond := number + ` ` + ops[n.Op] + ` ` + c.b.arg(v)
		if n.Op == "neq" {
			cond = `(` + number + ` IS NULL OR ` + cond + `)`
		}
		return cond
	case segment.TypeEnum:
		if n.Op == "neq" {
			return `COALESCE(` + text + `, '') <> ` + c.b.arg(n.Value)
		}
		return text + ` = ` + c.b.arg(n.Value)
	}
	return c.text(text, n)
}

func (c *segCompiler) consentState(f segment.Field, n segment.Node) string {
	var cond string
	bit := func() string { return c.b.arg(int64(1) << f.Purpose.Bit) }
	switch consent.State(n.Value) {
	case consent.Granted:
		cond = `(p.consent_granted & ` + bit() + `) <> 0`
	case consent.Withdrawn:
		cond = `(p.consent_withdrawn & ` + bit() + `) <> 0`
	case consent.Pending:
		cond = c.pending(f)
	default: // none: neither granted, withdrawn nor pending
		b := bit()
		cond = `((p.consent_granted & ` + b + `) = 0 AND (p.consent_withdrawn & ` + b + `) = 0 AND NOT ` + c.pending(f) + `)`
	}
	if n.Op == "neq" {
		return `(NOT ` + cond + `)`
	}
	return cond
}

func (c *segCompiler) pending(f segment.Field) string {
	return `EXISTS (SELECT 1 FROM consent_states cs WHERE cs.person_id = p.id AND cs.purpose = ` + c.b.arg(f.Ref) +
		` AND cs.state = ` + c.b.arg(string(consent.Pending)) + `)`
}

func (c *segCompiler) activity(f segment.Field, n segment.Node) string {
	q := `EXISTS (SELECT 1 FROM activities a WHERE a.person_id = p.id AND a.kind = ` + c.b.arg(f.Ref)
	if n.Op == "within_last" || n.Op == "not_within_last" {
		amount, _ := strconv.Atoi(n.Value)
		q += ` AND a.occurred_at >= ` + c.b.arg(segment.Shift(c.now, -amount, n.Unit).UnixMicro())
	}
	if n.Subject != "" {
		// The hook for "submitted form F": form submissions carry the
		// form's name as their subject.
		q += ` AND a.subject = ` + c.b.arg(n.Subject)
	}
	q += `)`
	if n.Op == "never" || n.Op == "not_within_last" {
		return `(NOT ` + q + `)`
	}
	return q
}

// segColumn is the SQL of a result or export column and how to print it.
type segColumn struct {
	expr string
	kind string // "text", "time", "bool", "any"
}

var segStdColumns = map[string]segColumn{
	"name":                {`TRIM(p.first_name || ' ' || p.last_name)`, "text"},
	"first_name":          {"p.first_name", "text"},
	"last_name":           {"p.last_name", "text"},
	"email":               {"p.email", "text"},
	"phone":               {"p.phone", "text"},
	"job_title":           {"p.job_title", "text"},
	"organisation":        {"o.name", "text"},
	"organisation_status": {"o.status", "text"},
	"lifecycle":           {"p.lifecycle", "text"},
	"audience":            {"p.audience", "text"},
	"origin":              {"p.origin", "text"},
	"origin_detail":       {"p.origin_detail", "text"},
	"address_line1":       {"p.address_line1", "text"},
	"postal_code":         {"p.postal_code", "text"},
	"city":                {"p.city", "text"},
	"region":              {"p.region", "text"},
	"country":             {"p.country", "text"},
	"created_at":          {"p.created_at", "time"},
	"collected_at":        {"p.collected_at", "time"},
	"last_interaction_at": {"p.last_interaction_at", "time"},
	"public_id":           {"p.public_id", "text"},
}

// selectColumns returns the SQL expressions of the chosen columns.
func selectColumns(b *builder, engine Engine, cat *segment.Catalogue, keys []string) ([]string, []segColumn, error) {
	exprs := make([]string, 0, len(keys))
	cols := make([]segColumn, 0, len(keys))
	c := &segCompiler{b: b, engine: engine, cat: cat}
	for _, k := range keys {
		col, ok := cat.Column(k)
		if !ok {
			return nil, nil, fmt.Errorf("unknown column %q", k)
		}
		var sc segColumn
		switch col.Source {
		case segment.SrcPerson:
			sc = segStdColumns[col.Key]
		case segment.SrcPersonCustom:
			text, _, _ := c.customExprs("p.custom", col.Ref)
			sc = segColumn{text, "any"}
		case segment.SrcConsent:
			sc = segColumn{`COALESCE((SELECT cs.state FROM consent_states cs WHERE cs.person_id = p.id AND cs.purpose = ` +
				b.arg(col.Ref) + `), 'none')`, "text"}
		case segment.SrcFlag:
			sc = segColumn{`CASE WHEN (p.consent_flags & ` + b.arg(consent.FlagBit(consent.Flag(col.Ref))) + `) <> 0 THEN 'yes' ELSE 'no' END`, "text"}
		}
		if sc.expr == "" {
			return nil, nil, fmt.Errorf("column %q has no SQL", k)
		}
		exprs = append(exprs, sc.expr)
		cols = append(cols, sc)
	}
	return exprs, cols, nil
}

// formatValue prints a scanned column value.
func formatValue(kind string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		if kind == "time" {
			return time.UnixMicro(x).UTC().Format(time.RFC3339)
		}
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
