package i18n

// English for the keys of the web forms area that are not English text.
func init() {
	for k, v := range map[string]string{
		"submission.done": "recorded", "submission.pending": "awaiting confirmation", "submission.confirmed": "confirmed",
		"submission.expired": "not confirmed in time",
		"mail.optin":         "Double opt-in confirmation", "mail.reoptin": "Re-opt-in invitation", "mail.staff": "Staff notification",
		"mail.queued": "waiting", "mail.sent": "sent", "mail.denied": "not sent", "mail.failed": "failed",
		"fields": "Fields", "checkboxes": "Consent checkboxes", "notice_fr": "Notice in French", "notice_en": "Notice in English",
		"title": "Title", "lang": "Language", "redirect_url": "Redirect", "allowed_origins": "Allowed sites", "slug": "Address",
		"name": "Name", "thank_you": "Thank-you message", "intro": "Introduction", "submit_label": "Button text",
		"from_name": "Sender name", "from_email": "Sender address", "reply_to": "Reply-to address", "subject_fr": "Subject in French",
		"subject_en": "Subject in English", "body_fr": "Email in French", "body_en": "Email in English", "expiry_days": "Days to confirm",
		"brand_color": "Brand colour", "logo_url": "Logo",
	} {
		english[k] = v
	}
}
