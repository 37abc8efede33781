package segment

import "github.com/registre/registre/internal/consent"

// Template is a built-in segment a user starts from.
type Template struct {
	Key         string
	Name        string // English; the interface translates it
	Description string
	Tree        Node
}

func crit(field, op, value string) Node { return Node{Field: field, Op: op, Value: value} }

// Templates are the built-in segments.
var Templates = []Template{
	{
		Key:  "reoptin",
		Name: "Re-opt-in target",
		Description: "Customer accounts whose people have not opted in to marketing email, have not objected or unsubscribed, " +
			"and have a valid address: the target of a re-opt-in campaign.",
		Tree: Node{Group: And, Children: []Node{
			crit("organisation.status", "eq", "customer"),
			crit("consent."+consent.EmailMarketing, "neq", string(consent.Granted)),
			crit("flag."+string(consent.OpposedAll), "is_false", ""),
			crit("flag."+string(consent.EmailUnsubscribed), "is_false", ""),
			crit("email", "contains", "@"),
			crit("flag."+string(consent.EmailInvalid), "is_false", ""),
		}},
	},
	{
		Key:         "b2c_without_consent",
		Name:        "Consumers without consent",
		Description: "Consumers (B2C) who have not consented to marketing email: they cannot receive it.",
		Tree: Node{Group: And, Children: []Node{
			crit("audience", "eq", "b2c"),
			crit("consent."+consent.EmailMarketing, "neq", string(consent.Granted)),
		}},
	},
	{
		Key:         "retention_past",
		Name:        "Past the retention period",
		Description: "People whose last interaction (or collection, without one) is older than the retention period: to delete or anonymise.",
		Tree:        Node{Group: And, Children: []Node{crit("retention_deadline", "is_past", "")}},
	},
	{
		Key:         "retention_soon",
		Name:        "Retention deadline in the next 30 days",
		Description: "People whose retention period ends within 30 days: the last moment to ask them whether they want to stay.",
		Tree:        Node{Group: And, Children: []Node{{Field: "retention_deadline", Op: "within_next", Value: "30", Unit: "days"}}},
	},
}

// TemplateByKey returns a built-in template.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}
