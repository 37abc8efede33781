package importer

import (
	"strings"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// Target fields a column can be mapped to. Custom fields are "custom:KEY",
// consent columns "consent:PURPOSE" (a yes/no opt-in, which needs a proof
// reference) and objections "flag:FLAG" (yes/no). "" ignores the column.
const (
	FieldFirstName    = "first_name"
	FieldLastName     = "last_name"
	FieldEmail        = "email"
	FieldPhone        = "phone"
	FieldMobile       = "mobile"
	FieldJobTitle     = "job_title"
	FieldOrganisation = "organisation"
	FieldAddress1     = "address_line1"
	FieldAddress2     = "address_line2"
	FieldPostalCode   = "postal_code"
	FieldCity         = "city"
	FieldRegion       = "region"
	FieldCountry      = "country"
	FieldLifecycle    = "lifecycle"
	FieldAudience     = "audience"
	FieldCollectedAt  = "collected_at"

	prefixCustom  = "custom:"
	prefixConsent = "consent:"
	prefixFlag    = "flag:"
)

// StandardFields lists the built-in targets, in the order a mapping screen
// shows them.
var StandardFields = []string{FieldFirstName, FieldLastName, FieldEmail, FieldPhone, FieldMobile, FieldJobTitle,
	FieldOrganisation, FieldAddress1, FieldAddress2, FieldPostalCode, FieldCity, FieldRegion, FieldCountry,
	FieldLifecycle, FieldAudience, FieldCollectedAt}

// ImportableFlags are the objections a file may carry, as yes/no columns.
var ImportableFlags = []consent.Flag{consent.OpposedAll, consent.EmailUnsubscribed, consent.SMSOptOut,
	consent.PhoneOptOut, consent.Bloctel, consent.EmailInvalid}

// Mapping gives the target of each column of the file, by position ("" to
// ignore it).
type Mapping []string

// synonyms maps folded header words to a target; the French and English
// names exports use.
var synonyms = map[string]string{
	"prenom": FieldFirstName, "first name": FieldFirstName, "firstname": FieldFirstName, "given name": FieldFirstName,
	"nom": FieldLastName, "nom de famille": FieldLastName, "last name": FieldLastName, "lastname": FieldLastName,
	"surname": FieldLastName, "family name": FieldLastName, "name": FieldLastName,
	"email": FieldEmail, "e mail": FieldEmail, "mail": FieldEmail, "courriel": FieldEmail, "adresse email": FieldEmail,
	"adresse e mail": FieldEmail, "adresse mail": FieldEmail, "email address": FieldEmail, "e mail address": FieldEmail,
	"telephone": FieldPhone, "tel": FieldPhone, "phone": FieldPhone, "telephone fixe": FieldPhone, "fixe": FieldPhone,
	"phone number": FieldPhone, "numero de telephone": FieldPhone, "tel fixe": FieldPhone, "telephone bureau": FieldPhone,
	"portable": FieldMobile, "mobile": FieldMobile, "telephone portable": FieldMobile, "tel portable": FieldMobile,
	"cell": FieldMobile, "cellphone": FieldMobile, "mobile phone": FieldMobile, "gsm": FieldMobile,
	"fonction": FieldJobTitle, "poste": FieldJobTitle, "titre": FieldJobTitle, "job title": FieldJobTitle,
	"title": FieldJobTitle, "job": FieldJobTitle, "position": FieldJobTitle,
	"societe": FieldOrganisation, "entreprise": FieldOrganisation, "organisation": FieldOrganisation,
	"organization": FieldOrganisation, "company": FieldOrganisation, "raison sociale": FieldOrganisation,
	"employeur": FieldOrganisation, "compte": FieldOrganisation, "account": FieldOrganisation,
	"adresse": FieldAddress1, "address": FieldAddress1, "adresse 1": FieldAddress1, "adresse1": FieldAddress1,
	"rue": FieldAddress1, "street": FieldAddress1, "address line 1": FieldAddress1, "adresse postale": FieldAddress1,
	"adresse 2": FieldAddress2, "adresse2": FieldAddress2, "complement d adresse": FieldAddress2,
	"complement": FieldAddress2, "address line 2": FieldAddress2,
	"code postal": FieldPostalCode, "cp": FieldPostalCode, "postal code": FieldPostalCode, "zip": FieldPostalCode,
	"zip code": FieldPostalCode, "postcode": FieldPostalCode, "code": FieldPostalCode,
	"ville": FieldCity, "city": FieldCity, "commune": FieldCity, "localite": FieldCity, "town": FieldCity,
	"region": FieldRegion, "departement": FieldRegion, "state": FieldRegion,
	"pays": FieldCountry, "country": FieldCountry, "code pays": FieldCountry,
	"cycle de vie": FieldLifecycle, "etape": FieldLifecycle, "lifecycle": FieldLifecycle, "stage": FieldLifecycle,
	"statut": FieldLifecycle, "status": FieldLifecycle,
	"type": FieldAudience, "audience": FieldAudience, "b2b b2c": FieldAudience, "cible": FieldAudience,
	"date de collecte": FieldCollectedAt, "collecte le": FieldCollectedAt, "collected at": FieldCollectedAt,
	"date d inscription": FieldCollectedAt, "signup date": FieldCollectedAt, "date de creation": FieldCollectedAt,
	"opt in": prefixConsent + consent.EmailMarketing, "optin": prefixConsent + consent.EmailMarketing,
	"opt in email": prefixConsent + consent.EmailMarketing, "newsletter": prefixConsent + consent.EmailMarketing,
	"consentement": prefixConsent + consent.EmailMarketing, "consentement email": prefixConsent + consent.EmailMarketing,
	"opt in sms": prefixConsent + consent.SMSMarketing, "consentement sms": prefixConsent + consent.SMSMarketing,
	"desabonne": prefixFlag + string(consent.EmailUnsubscribed), "unsubscribed": prefixFlag + string(consent.EmailUnsubscribed),
	"desinscrit": prefixFlag + string(consent.EmailUnsubscribed), "opposition": prefixFlag + string(consent.OpposedAll),
	"oppose": prefixFlag + string(consent.OpposedAll), "opposed": prefixFlag + string(consent.OpposedAll),
	"bloctel": prefixFlag + string(consent.Bloctel), "stop sms": prefixFlag + string(consent.SMSOptOut),
	"email invalide": prefixFlag + string(consent.EmailInvalid), "npai": prefixFlag + string(consent.EmailInvalid),
}

// foldHeader lower-cases a header, removes accents and turns punctuation
// into spaces: "E-mail" and "e mail", "Téléphone" and "telephone" meet.
func foldHeader(h string) string {
	h = crm.Fold(h)
	b := make([]byte, 0, len(h))
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 {
			b = append(b, c)
		} else {
			b = append(b, ' ')
		}
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// Suggest proposes a target for each column of header from its name: the
// French and English names of the standard fields, the key or label of a
// custom field of people, and a purpose or flag name. Each target is
// suggested for one column at most (the first).
func Suggest(header []string, fields []crm.CustomField, purposes []consent.Purpose) Mapping {
	known := map[string]string{}
	for k, v := range synonyms {
		known[k] = v
	}
	for _, f := range fields {
		if f.Entity == crm.EntityPerson {
			known[foldHeader(f.Key)] = prefixCustom + f.Key
			known[foldHeader(f.Label)] = prefixCustom + f.Key
		}
	}
	for _, p := range purposes {
		if p.Kind != consent.Transactional {
			known[foldHeader(p.LabelFR)] = prefixConsent + p.Key
			known[foldHeader(p.LabelEN)] = prefixConsent + p.Key
			known[foldHeader(p.Key)] = prefixConsent + p.Key
		}
	}
	out := make(Mapping, len(header))
	used := map[string]bool{}
	for i, h := range header {
		t := known[foldHeader(h)]
		if t == "" || used[t] {
			continue
		}
		used[t] = true
		out[i] = t
	}
	return out
}

// Targets lists every target a column of this workspace may take.
func Targets(fields []crm.CustomField, purposes []consent.Purpose) []string {
	out := append([]string(nil), StandardFields...)
	for _, f := range fields {
		if f.Entity == crm.EntityPerson {
			out = append(out, prefixCustom+f.Key)
		}
	}
	for _, p := range purposes {
		if p.Kind != consent.Transactional {
			out = append(out, prefixConsent+p.Key)
		}
	}
	for _, f := range ImportableFlags {
		out = append(out, prefixFlag+string(f))
	}
	return out
}

// HasConsentColumns reports whether a column is mapped to a consent.
func (m Mapping) HasConsentColumns() bool {
	for _, t := range m {
		if strings.HasPrefix(t, prefixConsent) {
			return true
		}
	}
	return false
}

// CustomKey, PurposeKey and FlagName split a target; ok is false when it
// is not of that kind.
func CustomKey(t string) (string, bool)  { return strings.CutPrefix(t, prefixCustom) }
func PurposeKey(t string) (string, bool) { return strings.CutPrefix(t, prefixConsent) }
func FlagName(t string) (consent.Flag, bool) {
	f, ok := strings.CutPrefix(t, prefixFlag)
	return consent.Flag(f), ok
}

// SavedMapping is a mapping kept for reuse, by column name (folded), so
// that it applies to a later file whose columns come in another order.
type SavedMapping struct {
	Name    string            `json:"name"`
	Columns map[string]string `json:"columns"` // folded header → target
}

// Save returns the mapping of header as a SavedMapping named name.
func (m Mapping) Save(name string, header []string) SavedMapping {
	s := SavedMapping{Name: strings.TrimSpace(name), Columns: map[string]string{}}
	for i, h := range header {
		if i < len(m) && m[i] != "" {
			s.Columns[foldHeader(h)] = m[i]
		}
	}
	return s
}

// Apply maps the columns of header that the saved mapping knows; the
// others are ignored. It reports how many columns it recognised.
func (s SavedMapping) Apply(header []string) (Mapping, int) {
	out := make(Mapping, len(header))
	n := 0
	used := map[string]bool{}
	for i, h := range header {
		if t, ok := s.Columns[foldHeader(h)]; ok && !used[t] {
			out[i], used[t] = t, true
			n++
		}
	}
	return out, n
}
