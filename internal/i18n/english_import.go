package i18n

func init() {
	for k, v := range map[string]string{
		"target.first_name": "First name", "target.last_name": "Last name", "target.email": "Email", "target.phone": "Phone",
		"target.mobile": "Mobile", "target.job_title": "Job title", "target.organisation": "Company",
		"target.address_line1": "Address", "target.address_line2": "Address (line 2)", "target.postal_code": "Postal code",
		"target.city": "City", "target.region": "Region", "target.country": "Country", "target.lifecycle": "Stage",
		"target.audience": "B2B or B2C", "target.collected_at": "Date of collection",
		"dedupe.update": "Update the person with the file's values", "dedupe.skip": "Leave the person as they are",
		"dedupe.review":  "Keep the row apart for review",
		"import.pending": "waiting", "import.running": "running", "import.done": "done", "import.failed": "failed",
		"import.cancelled": "cancelled",
	} {
		english[k] = v
	}
}
