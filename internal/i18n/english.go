package i18n

// english gives readable English for the keys that are not already English
// text: enumeration values and the few prefixed keys of the templates.
var english = map[string]string{
	"lead": "Lead", "prospect": "Prospect", "customer": "Customer", "former_customer": "Former customer",
	"suspect": "Suspect", "partner": "Partner", "audience.b2b": "Professional (B2B)", "audience.b2c": "Consumer (B2C)",
	"manual": "Entered by hand", "web_form": "Web form", "import": "Import", "api": "API", "trade_show": "Trade show",
	"purchased_file": "Purchased file", "referral": "Referral", "event": "Event", "other": "Other",
	"note": "Note", "call": "Call", "meeting": "Meeting", "email": "Email", "form_submission": "Form submitted",
	"purchase": "Purchase", "mobile": "mobile", "landline": "landline",
	"admin": "Administrator", "marketer": "Marketing", "sales": "Sales", "readonly": "Read-only",
	"user": "User", "api_token": "API token", "system": "System", "cli": "Command line", "person": "Person",
	"organisation": "Organisation", "activity": "Activity", "custom_field": "Custom field", "workspace": "Workspace",
	"field.text": "Text", "field.number": "Number", "field.date": "Date", "field.boolean": "Yes / no", "field.select": "List",
	"first_name": "First name", "last_name": "Last name", "emails": "Email", "phones": "Phone", "subject": "Subject",
	"body": "Note", "occurred_at": "Date", "kind": "Kind", "person_id": "Person", "organisation_id": "Organisation",
	"consent.none": "none", "consent.pending": "pending", "consent.granted": "granted", "consent.withdrawn": "withdrawn",
	"flag.opposed_all": "Opposed to all prospecting", "flag.email_unsubscribed": "Unsubscribed from email", "flag.sms_optout": "SMS opt-out",
	"flag.phone_optout": "Phone opt-out", "flag.bloctel": "On Bloctel", "flag.email_invalid": "Email invalid",
	"flag.erasure_requested": "Erasure requested", "flag.restricted": "Processing restricted", "flag.suppressed": "Suppression list",
	"action.request": "requested (double opt-in)", "action.confirm": "confirmed", "action.grant": "granted", "action.withdraw": "withdrawn",
	"action.set": "recorded", "action.clear": "lifted",
	"basis.consent": "consent", "basis.contract": "contract", "basis.legal_obligation": "legal obligation",
	"basis.legitimate_interest": "legitimate interest", "basis.vital_interest": "vital interest", "basis.public_task": "public task",
	"source.staff": "entered by staff", "source.form": "form", "source.link": "link in a message", "source.portal": "privacy portal",
	"source.import": "import", "source.api": "API", "source.bulk": "bulk action", "source.campaign": "campaign", "source.system": "system",
	"purpose": "Purpose", "flag": "Flag", "action": "Action",
}
