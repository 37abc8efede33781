package i18n

// English for the keys of segments that are not English text.
func init() {
	for k, v := range map[string]string{
		"bulk.consent": "Change consent", "bulk.set_lifecycle": "Set the stage", "bulk.set_status": "Set the account status",
		"bulk.set_field": "Set a field", "bulk.delete": "Delete the people",
		"job.queued": "Queued", "job.running": "Running", "job.done": "Done", "job.cancelled": "Cancelled", "job.failed": "Failed",
		"change.grant": "consent given", "change.withdraw": "consent withdrawn", "change.set": "record", "change.clear": "lift",
		"field.job_title": "Job title", "field.origin_detail": "Origin detail", "field.city": "City",
		"field.postal_code": "Postal code", "field.region": "Region", "field.country": "Country",
	} {
		if _, ok := english[k]; !ok {
			english[k] = v
		}
	}
}
