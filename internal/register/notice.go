package register

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"

	"strings"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
)

// Notice is a legal notice (mention d'information, GDPR Art. 13) generated
// from one version of an entry. Forms embed Text and record Version and
// SHA256 with each consent as proof of what the person read.
type Notice struct {
	EntryID string `json:"entry_id"`
	Version int    `json:"version"`
	Lang    string `json:"lang"`
	Text    string `json:"text"`
	SHA256  string `json:"sha256"`
}

// noticeTemplates are modelled on the CNIL's recommended notice for forms
// ("Exemple de mention d'information", cnil.fr): controller, purposes,
// legal basis, recipients, retention, transfers, rights and how to
// exercise them, the DPO, the right to complain to the CNIL, and the
// Bloctel notice (Code de la consommation L.223-2) when a phone number is
// collected. Optional paragraphs are added only when they apply.
var noticeTemplates = map[string]struct{ body, consent, transfers, dpo, bloctel string }{
	"fr": {
		body: `Les données personnelles recueillies sont traitées par {controller}, {controller_address}, pour {purposes}.

Base légale : {legal_bases}.

Destinataires : {recipients}.

Durée de conservation : {retention}.
{transfers}
Vous pouvez accéder aux données vous concernant, les rectifier, demander leur effacement ou exercer votre droit à la limitation du traitement de vos données. Vous pouvez vous opposer à tout moment au traitement de vos données à des fins de prospection commerciale.{consent} Vous pouvez également exercer votre droit à la portabilité de vos données.

Pour exercer ces droits ou pour toute question sur le traitement de vos données, contactez : {rights_contact}.{dpo}

Si vous estimez, après nous avoir contactés, que vos droits « Informatique et Libertés » ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (www.cnil.fr).{bloctel}`,
		consent:   ` Vous pouvez retirer votre consentement à tout moment, aussi simplement que vous l'avez donné.`,
		transfers: "\nTransferts hors de l'Union européenne : {transfer_list}.\n",
		dpo:       ` Vous pouvez aussi contacter notre délégué à la protection des données : {dpo}.`,
		bloctel:   "\n\nSi vous ne souhaitez pas faire l'objet de prospection commerciale par voie téléphonique, vous pouvez gratuitement vous inscrire sur la liste d'opposition au démarchage téléphonique Bloctel (www.bloctel.gouv.fr).",
	},
	"en": {
		body: `The personal data collected is processed by {controller}, {controller_address}, in order to {purposes}.

Legal basis: {legal_bases}.

Recipients: {recipients}.

Retention: {retention}.
{transfers}
You may access the data about you, have it corrected or erased, or ask for its processing to be restricted. You may object at any time to the processing of your data for marketing.{consent} You may also ask for your data in a portable format.

To exercise these rights, or for any question about the processing of your data, contact: {rights_contact}.{dpo}

If, after contacting us, you consider that your data protection rights are not respected, you may lodge a complaint with the CNIL (www.cnil.fr), the French data protection authority.{bloctel}`,
		consent:   ` You may withdraw your consent at any time, as easily as you gave it.`,
		transfers: "\nTransfers outside the European Union: {transfer_list}.\n",
		dpo:       ` You may also contact our data protection officer: {dpo}.`,
		bloctel:   "\n\nIf you do not wish to receive marketing phone calls, you may register free of charge on the French opposition list Bloctel (www.bloctel.gouv.fr).",
	},
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Notice renders the notice of an entry, named by its public id or by a
// consent purpose key (then the active entry covering it), in "fr" or
// "en". It returns NotFound for an unknown entry or an uncovered purpose,
// Invalid for another language, and Invalid naming the missing values
// when a placeholder would stay unfilled (no controller, no contact for
// rights…): such a notice must not be published.
func (s *Service) Notice(ctx context.Context, workspaceID int64, ref, lang string) (Notice, error) {
	e, err := s.Store.Entry(ctx, workspaceID, ref)
	if errs.Is(err, errs.NotFound) {
		e, err = s.ActiveEntryFor(ctx, workspaceID, ref)
	}
	if err != nil {
		return Notice{}, err
	}
	org, err := s.Organisation(ctx, workspaceID)
	if err != nil {
		return Notice{}, err
	}
	return RenderNotice(e, org, lang)
}

// RenderNotice renders the notice of an entry with the organisation's
// common sheet; see Service.Notice for the errors.
func RenderNotice(e *Entry, org Organisation, lang string) (Notice, error) {
	tpl, ok := noticeTemplates[lang]
	if !ok {
		return Notice{}, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"lang": "must be fr or en"}}
	}
	a := &e.Activity
	values := map[string]string{
		"controller":         org.ControllerName,
		"controller_address": org.ControllerAddress,
		"purposes":           joinList(lang, purposeLabels(a, lang)),
		"legal_bases":        strings.Join(basisLines(a, lang), " ; "),
		"recipients":         joinList(lang, recipientList(a, lang)),
		"retention":          strings.Join(RetentionTexts(a, lang), " ; "),
		"rights_contact":     firstNonEmpty(org.RightsContact, org.ControllerEmail),
		"dpo":                strings.TrimSpace(org.DPOName + " " + bracket(org.DPOEmail)),
		"transfer_list":      transferList(a, lang),
	}
	body := tpl.body
	body = strings.Replace(body, "{consent}", when(slices.ContainsFunc(a.Purposes, func(p PurposeSpec) bool { return p.Basis == consent.BasisConsent }), tpl.consent), 1)
	body = strings.Replace(body, "{transfers}", when(len(a.Transfers) > 0, tpl.transfers), 1)
	body = strings.Replace(body, "{dpo}", when(org.DPOName != "" || org.DPOEmail != "", tpl.dpo), 1)
	body = strings.Replace(body, "{bloctel}", when(slices.Contains(a.Fields, "phone"), tpl.bloctel), 1)
	var missing []string
	out := placeholder.ReplaceAllStringFunc(body, func(ph string) string {
		v := strings.TrimSpace(values[strings.Trim(ph, "{}")])
		if v == "" {
			missing = append(missing, strings.Trim(ph, "{}"))
			return ph
		}
		return v
	})
	if len(missing) > 0 {
		fields := map[string]string{}
		for _, m := range missing {
			fields[m] = "is needed by the notice and is empty"
		}
		return Notice{}, &errs.Error{Code: errs.Invalid, Message: "The notice cannot be published: some of its values are missing.", Fields: fields}
	}
	sum := sha256.Sum256([]byte(out))
	return Notice{EntryID: e.PublicID, Version: e.Version, Lang: lang, Text: out, SHA256: hex.EncodeToString(sum[:])}, nil
}

func when(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

func bracket(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

func purposeLabels(a *Activity, lang string) []string {
	var out []string
	for _, p := range a.Purposes {
		out = append(out, label(p, lang))
	}
	return out
}

func label(p PurposeSpec, lang string) string {
	if lang == "en" {
		return firstNonEmpty(p.LabelEN, p.LabelFR)
	}
	return firstNonEmpty(p.LabelFR, p.LabelEN)
}

// basisLines groups the purposes by legal basis: "consent (a, b)".
func basisLines(a *Activity, lang string) []string {
	byBasis := map[consent.LegalBasis][]string{}
	var order []consent.LegalBasis
	for _, p := range a.Purposes {
		if p.Basis == "" {
			continue
		}
		if _, ok := byBasis[p.Basis]; !ok {
			order = append(order, p.Basis)
		}
		l := label(p, lang)
		if p.Basis == consent.BasisLegitimateInterest && p.Interest != "" {
			l += " — " + localPart(p.Interest, lang)
		}
		byBasis[p.Basis] = append(byBasis[p.Basis], l)
	}
	var out []string
	for _, b := range order {
		out = append(out, BasisLabel(b, lang)+" ("+strings.Join(byBasis[b], ", ")+")")
	}
	return out
}

// Local picks the French or English half of a bilingual "fr / en" text
// (the templates write them so), or the whole text.
func Local(s, lang string) string { return localPart(s, lang) }

func localPart(s, lang string) string {
	fr, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	if lang == "en" {
		return strings.TrimSpace(en)
	}
	return strings.TrimSpace(fr)
}

func recipientList(a *Activity, lang string) []string {
	var out []string
	for _, r := range a.Recipients.Internal {
		out = append(out, localPart(r, lang))
	}
	if len(a.Recipients.Processors) > 0 {
		out = append(out, map[string]string{"fr": "nos sous-traitants (", "en": "our processors ("}[lang]+strings.Join(a.Recipients.Processors, ", ")+")")
	}
	for _, r := range a.Recipients.ThirdParties {
		out = append(out, localPart(r, lang))
	}
	return out
}

func transferList(a *Activity, lang string) string {
	var out []string
	for _, t := range a.Transfers {
		s := t.Country
		if t.Recipient != "" {
			s = t.Recipient + ", " + s
		}
		out = append(out, s+" — "+map[string]string{"fr": "garantie : ", "en": "safeguard: "}[lang]+t.Safeguard)
	}
	return strings.Join(out, " ; ")
}

func joinList(lang string, xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	and := map[string]string{"fr": " et ", "en": " and "}[lang]
	return strings.Join(xs[:len(xs)-1], ", ") + and + xs[len(xs)-1]
}

var basisLabels = map[consent.LegalBasis][2]string{
	consent.BasisConsent:            {"votre consentement", "your consent"},
	consent.BasisContract:           {"l'exécution du contrat ou de mesures précontractuelles", "the performance of a contract or steps before it"},
	consent.BasisLegalObligation:    {"une obligation légale", "a legal obligation"},
	consent.BasisLegitimateInterest: {"notre intérêt légitime", "our legitimate interest"},
	consent.BasisVitalInterest:      {"la sauvegarde des intérêts vitaux", "the protection of vital interests"},
	consent.BasisPublicTask:         {"une mission d'intérêt public", "a task in the public interest"},
}

// BasisLabel names a legal basis in French or English.
func BasisLabel(b consent.LegalBasis, lang string) string {
	l, ok := basisLabels[b]
	if !ok {
		return string(b)
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

var (
	startLabels = map[StartEvent][2]string{
		FromCollection:       {"de la collecte", "collection"},
		FromLastInteraction:  {"du dernier contact venant de la personne", "the last contact from the person"},
		FromEndRelationship:  {"de la fin de la relation commerciale", "the end of the business relationship"},
		FromWithdrawal:       {"du retrait du consentement", "the withdrawal of consent"},
		FromObjection:        {"de l'opposition", "the objection"},
		FromFinancialYearEnd: {"de la clôture de l'exercice", "the close of the financial year"},
	}
	subjectLabels = map[Subjects][2]string{
		AllSubjects: {"", ""}, Customers: {"clients", "customers"}, FormerCustomers: {"anciens clients", "former customers"},
		Prospects: {"prospects", "prospects"}, Objectors: {"personnes opposées", "people who objected"}, Visitors: {"visiteurs", "visitors"},
	}
	actionLabels = map[EndAction][2]string{
		Delete: {"suppression", "deletion"}, Anonymise: {"anonymisation", "anonymisation"},
		Pseudonymise: {"pseudonymisation", "pseudonymisation"}, Archive: {"archivage intermédiaire", "intermediate archiving"},
	}
	unitLabels = map[Unit][2]string{Days: {"jour", "day"}, Months: {"mois", "month"}, Years: {"an", "year"}}
)

func pick(l [2]string, lang string) string {
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// PeriodText writes a period: "3 ans", "13 months".
func PeriodText(p Period, lang string) string {
	u := pick(unitLabels[p.Unit], lang)
	if p.Count > 1 && !(lang == "fr" && p.Unit == Months) {
		u += "s"
	}
	return fmt.Sprintf("%d %s", p.Count, u)
}

// RetentionTexts writes each retention rule of an activity in words.
func RetentionTexts(a *Activity, lang string) []string {
	var out []string
	for _, r := range a.Retention {
		out = append(out, RuleText(r, lang))
	}
	return out
}

// RuleText writes one rule: "3 ans à compter de la collecte (prospects), puis suppression".
func RuleText(r RetentionRule, lang string) string {
	var s string
	if lang == "en" {
		s = PeriodText(r.Period, lang) + " from " + pick(startLabels[r.Start], lang)
	} else {
		s = PeriodText(r.Period, lang) + " à compter " + pick(startLabels[r.Start], lang)
	}
	var scope []string
	if sub := pick(subjectLabels[r.Subjects], lang); sub != "" {
		scope = append(scope, sub)
	}
	if r.Category != "" {
		scope = append(scope, CategoryLabel(r.Category, lang))
	}
	if len(scope) > 0 {
		s += " (" + strings.Join(scope, ", ") + ")"
	}
	then := map[string]string{"fr": ", puis ", "en": ", then "}[lang]
	return s + then + pick(actionLabels[r.Action], lang)
}

var categoryLabels = map[DataCategory][2]string{
	CatIdentity: {"état civil, identité, identifiants", "identity"}, CatPersonalLife: {"vie personnelle", "personal life"},
	CatProfessional: {"vie professionnelle", "professional life"}, CatEconomic: {"informations d'ordre économique et financier", "economic and financial information"},
	CatConnection: {"données de connexion", "connection data"}, CatLocation: {"données de localisation", "location data"},
	CatInternet: {"internet (cookies, traceurs)", "internet (cookies, trackers)"}, CatOther: {"autres", "other"},
}

// CategoryLabel names a data category in French or English.
func CategoryLabel(c DataCategory, lang string) string {
	l, ok := categoryLabels[c]
	if !ok {
		return string(c)
	}
	return pick(l, lang)
}
