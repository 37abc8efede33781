package app_test

import "github.com/registre/registre/internal/crm"

func crmInput(email string) crm.PersonInput {
	return crm.PersonInput{FirstName: "Known", LastName: "Before", Emails: []string{email}, Audience: crm.B2C}
}
