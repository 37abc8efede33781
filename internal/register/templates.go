package register

import "github.com/registre/registre/internal/consent"

// Template is a ready-made entry modelled on the CNIL reference for the
// management of customers and prospects (délibération 2021-131 of
// 23 September 2021, which replaced simplified norm NS-048), with the
// legal bases and retention periods it gives (../shared/REFERENCE.md,
// "Retention"). Adopting a template creates an active entry from it.
type Template struct {
	Key      string   `json:"key"`
	Activity Activity `json:"activity"`
}

// Template keys.
const (
	TplCustomers      = "customer_management"
	TplProspectingB2C = "prospecting_b2c"
	TplProspectingB2B = "prospecting_b2b"
	TplNewsletter     = "newsletter"
	TplContactForms   = "contact_forms"
	TplAudience       = "audience_measurement"
	TplObjections     = "objections"
)

// NewsletterPurpose is the consent purpose the newsletter template defines
// (the only template purpose that is not created with every workspace).
const NewsletterPurpose = "newsletter"

var (
	years3   = Period{Count: 3, Unit: Years}
	internal = []string{"Service commercial / Sales", "Service client / Customer service"}
	security = []string{SecAccessControl, SecTraceability, SecSoftware, SecBackups, SecEncryption, SecProcessors}
)

// Templates returns the CNIL templates, fresh copies each call. The
// default consent purposes of every workspace map to them: transactional
// to customer management; email, SMS, phone and postal marketing,
// profiling and sharing to B2C prospecting; email, phone and postal
// marketing to B2B prospecting too (with legitimate interest).
func Templates() []Template {
	return []Template{
		{Key: TplCustomers, Activity: Activity{
			Name: "Gestion des clients", NameEN: "Customer management",
			Description: "Contrats, commandes, livraisons, factures, comptabilité, suivi de la relation client.",
			Purposes: []PurposeSpec{
				{LabelFR: "gérer les contrats, commandes, livraisons et factures", LabelEN: "manage contracts, orders, deliveries and invoices", Basis: consent.BasisContract},
				{Key: consent.TransactionalMail, LabelFR: "vous envoyer les messages de service liés à votre compte et à vos commandes", LabelEN: "send you service messages about your account and orders",
					Basis: consent.BasisContract, Channel: consent.Email, Kind: consent.Transactional},
				{LabelFR: "tenir la comptabilité et conserver les factures", LabelEN: "keep the accounts and invoices", Basis: consent.BasisLegalObligation},
			},
			SubjectGroups: []string{"Clients / Customers"},
			Categories:    []DataCategory{CatIdentity, CatProfessional, CatEconomic, CatLocation},
			Fields:        []string{"first_name", "last_name", "email", "phone", "address", "organisation", "job_title"},
			Recipients:    Recipients{Internal: append(internal, "Comptabilité / Accounting"), Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: FormerCustomers, Start: FromEndRelationship, Period: Period{Count: 5, Unit: Years}, Action: Delete,
					Note: "Base active pendant la relation, puis archive intermédiaire à accès restreint pendant la prescription (5 ans)."},
				{Subjects: AllSubjects, Category: CatEconomic, Start: FromFinancialYearEnd, Period: Period{Count: 10, Unit: Years}, Action: Delete,
					Note: "Pièces comptables et factures (Code de commerce L.123-22)."},
			},
			Security: security,
		}},
		{Key: TplProspectingB2C, Activity: Activity{
			Name: "Prospection commerciale des particuliers", NameEN: "Marketing to consumers",
			Description: "Envoi d'offres commerciales aux particuliers, clients et prospects (CPCE L.34-5).",
			Purposes: []PurposeSpec{
				{Key: consent.EmailMarketing, LabelFR: "vous envoyer nos offres par e-mail", LabelEN: "send you our offers by email", Basis: consent.BasisConsent, Channel: consent.Email, Kind: consent.Marketing},
				{Key: consent.SMSMarketing, LabelFR: "vous envoyer nos offres par SMS", LabelEN: "send you our offers by text message", Basis: consent.BasisConsent, Channel: consent.SMS, Kind: consent.Marketing},
				{Key: consent.PhoneProspecting, LabelFR: "vous présenter nos offres par téléphone", LabelEN: "present our offers by phone", Basis: consent.BasisConsent, Channel: consent.Phone, Kind: consent.Marketing},
				{Key: consent.PostalMarketing, LabelFR: "vous envoyer nos offres par courrier", LabelEN: "send you our offers by post", Basis: consent.BasisLegitimateInterest, Channel: consent.Postal, Kind: consent.Marketing,
					Interest: "faire connaître nos produits à nos clients et prospects / make our products known to customers and prospects"},
				{Key: consent.ProfilingPurpose, LabelFR: "mesurer l'ouverture de nos messages et les personnaliser", LabelEN: "measure the opening of our messages and personalise them", Basis: consent.BasisConsent, Kind: consent.Profiling},
				{Key: consent.ThirdPartySharing, LabelFR: "transmettre vos coordonnées à nos partenaires commerciaux", LabelEN: "pass your contact details to our business partners", Basis: consent.BasisConsent, Kind: consent.Sharing},
			},
			SubjectGroups: []string{"Clients / Customers", "Prospects"},
			Categories:    []DataCategory{CatIdentity, CatPersonalLife, CatLocation},
			Fields:        []string{"first_name", "last_name", "email", "phone", "address"},
			Recipients:    Recipients{Internal: []string{"Service marketing / Marketing"}, Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: Customers, Start: FromEndRelationship, Period: years3, Action: Delete, Note: "Fin de la relation : dernier achat, dernier contact du client, fin de garantie."},
				{Subjects: FormerCustomers, Start: FromEndRelationship, Period: years3, Action: Delete},
				{Subjects: Prospects, Start: FromLastInteraction, Period: years3, Action: Delete,
					Note: "À compter de la collecte ou du dernier contact venant du prospect (un clic compte, une ouverture non)."},
			},
			Security: security,
		}},
		{Key: TplProspectingB2B, Activity: Activity{
			Name: "Prospection commerciale des professionnels", NameEN: "Marketing to professionals",
			Description: "Offres en rapport avec la profession de la personne, avec droit d'opposition à la collecte et à chaque message.",
			Purposes: []PurposeSpec{
				{Key: consent.EmailMarketing, LabelFR: "vous envoyer par e-mail des offres liées à votre activité professionnelle", LabelEN: "email you offers related to your job", Basis: consent.BasisLegitimateInterest, Channel: consent.Email, Kind: consent.Marketing,
					Interest: "prospection de professionnels pour des offres liées à leur activité / prospecting professionals for offers related to their job"},
				{Key: consent.PhoneProspecting, LabelFR: "vous présenter nos offres par téléphone", LabelEN: "present our offers by phone", Basis: consent.BasisLegitimateInterest, Channel: consent.Phone, Kind: consent.Marketing,
					Interest: "prospection de professionnels / prospecting professionals"},
				{Key: consent.PostalMarketing, LabelFR: "vous envoyer nos offres par courrier", LabelEN: "send you our offers by post", Basis: consent.BasisLegitimateInterest, Channel: consent.Postal, Kind: consent.Marketing,
					Interest: "prospection de professionnels / prospecting professionals"},
			},
			SubjectGroups: []string{"Contacts professionnels / Business contacts"},
			Categories:    []DataCategory{CatIdentity, CatProfessional},
			Fields:        []string{"first_name", "last_name", "email", "phone", "organisation", "job_title"},
			Recipients:    Recipients{Internal: []string{"Service commercial / Sales"}, Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: Prospects, Start: FromLastInteraction, Period: years3, Action: Delete},
				{Subjects: FormerCustomers, Start: FromEndRelationship, Period: years3, Action: Delete},
			},
			Security: security,
		}},
		{Key: TplNewsletter, Activity: Activity{
			Name: "Lettre d'information", NameEN: "Newsletter",
			Purposes: []PurposeSpec{
				{Key: NewsletterPurpose, LabelFR: "vous envoyer notre lettre d'information", LabelEN: "send you our newsletter", Basis: consent.BasisConsent, Channel: consent.Email, Kind: consent.Marketing},
			},
			SubjectGroups: []string{"Abonnés / Subscribers"},
			Categories:    []DataCategory{CatIdentity},
			Fields:        []string{"email", "first_name"},
			Recipients:    Recipients{Internal: []string{"Service marketing / Marketing"}, Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: Prospects, Start: FromLastInteraction, Period: years3, Action: Delete, Note: "Jusqu'au désabonnement ; abonnés inactifs : 3 ans sans contact de leur part."},
			},
			Security: security,
		}},
		{Key: TplContactForms, Activity: Activity{
			Name: "Formulaires de contact du site", NameEN: "Website contact forms",
			Purposes: []PurposeSpec{
				{LabelFR: "répondre à votre demande", LabelEN: "answer your request", Basis: consent.BasisLegitimateInterest,
					Interest: "répondre aux personnes qui nous contactent / answer people who contact us"},
			},
			SubjectGroups: []string{"Personnes qui nous contactent / People who contact us"},
			Categories:    []DataCategory{CatIdentity, CatOther},
			Fields:        []string{"first_name", "last_name", "email", "phone"},
			Recipients:    Recipients{Internal: internal, Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: Prospects, Start: FromLastInteraction, Period: years3, Action: Delete},
			},
			Security: security,
		}},
		{Key: TplAudience, Activity: Activity{
			Name: "Mesure d'audience du site", NameEN: "Website audience measurement",
			Description: "Statistiques de fréquentation anonymes, par un outil propre ou un sous-traitant, sans suivi entre sites (exemptée de consentement aux conditions de la CNIL).",
			Purposes: []PurposeSpec{
				{LabelFR: "mesurer l'audience de notre site", LabelEN: "measure the audience of our website", Basis: consent.BasisLegitimateInterest,
					Interest: "améliorer le site à partir de statistiques anonymes / improve the website from anonymous statistics"},
			},
			SubjectGroups: []string{"Visiteurs du site / Website visitors"},
			Categories:    []DataCategory{CatConnection, CatInternet},
			Fields:        []string{},
			Recipients:    Recipients{Internal: []string{"Service marketing / Marketing"}, Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: Visitors, Category: CatInternet, Start: FromCollection, Period: Period{Count: 13, Unit: Months}, Action: Delete, Note: "Traceurs : 13 mois au plus, non prolongés par les visites."},
				{Subjects: Visitors, Category: CatConnection, Start: FromCollection, Period: Period{Count: 25, Unit: Months}, Action: Delete, Note: "Données d'audience : 25 mois au plus."},
			},
			Security: security,
		}},
		{Key: TplObjections, Activity: Activity{
			Name: "Gestion des oppositions à la prospection", NameEN: "Management of objections to marketing",
			Description: "Liste repoussoir : seule une empreinte de l'e-mail et du téléphone est gardée, pour ne plus contacter la personne (CNIL, MED-2023-040).",
			Purposes: []PurposeSpec{
				{LabelFR: "respecter votre opposition à la prospection", LabelEN: "honour your objection to marketing", Basis: consent.BasisLegalObligation},
			},
			SubjectGroups: []string{"Personnes opposées à la prospection / People who objected to marketing"},
			Categories:    []DataCategory{CatIdentity},
			Fields:        []string{"email", "phone"},
			Recipients:    Recipients{Internal: []string{"Service marketing / Marketing"}, Processors: []string{}, ThirdParties: []string{}},
			Retention: []RetentionRule{
				{Subjects: Objectors, Start: FromObjection, Period: years3, Action: Delete, Note: "Au moins 3 ans à compter de l'opposition (à confirmer), sous forme d'empreinte."},
			},
			Security: security,
		}},
	}
}

// TemplateByKey returns the template with the key.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}
