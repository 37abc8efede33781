package i18n

// English text for the register's enumeration keys.
func init() {
	for k, v := range map[string]string{
		"category.identity": "Identity", "category.personal_life": "Personal life", "category.professional_life": "Professional life",
		"category.economic": "Economic and financial", "category.connection": "Connection data", "category.location": "Location",
		"category.internet": "Internet (cookies, trackers)", "category.other": "Other",
		"subjects.all": "Everyone", "subjects.customers": "Customers", "subjects.former_customers": "Former customers",
		"subjects.prospects": "Prospects", "subjects.objectors": "People who objected", "subjects.visitors": "Website visitors",
		"start.collection": "collection", "start.last_interaction": "last contact from the person", "start.end_of_relationship": "end of the relationship",
		"start.withdrawal": "withdrawal of consent", "start.objection": "objection", "start.financial_year_end": "close of the financial year",
		"unit.days": "days", "unit.months": "months", "unit.years": "years",
		"endaction.delete": "delete", "endaction.anonymise": "anonymise", "endaction.pseudonymise": "pseudonymise", "endaction.archive": "archive",
		"security.access_control": "User access control", "security.traceability": "Traceability", "security.software_protection": "Software protection",
		"security.backups": "Backups", "security.encryption": "Encryption", "security.processor_control": "Control of processors",
		"status.active": "Active", "status.draft": "Draft", "status.archived": "Removed",
		"kind.marketing": "Marketing", "kind.profiling": "Profiling", "kind.sharing": "Sharing", "kind.transactional": "Service messages",
		"sms": "SMS", "phone": "Phone", "postal": "Post",
	} {
		english[k] = v
	}
}
