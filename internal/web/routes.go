package web

import (
	"net/http"

	"github.com/registre/registre/internal/auth"
)

// routes registers every page; the permission each needs is on its line.
func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", s.assets.handler())
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /login/lang", s.loginLang)
	mux.HandleFunc("POST /logout", s.page(auth.PermRead, s.logout))
	mux.HandleFunc("POST /account/lang", s.page(auth.PermRead, s.setLang))
	mux.HandleFunc("POST /account/workspace", s.page(auth.PermRead, s.switchWorkspace))

	mux.HandleFunc("GET /{$}", s.page(auth.PermRead, s.home))

	mux.HandleFunc("GET /people", s.page(auth.PermRead, s.listPeople))
	mux.HandleFunc("POST /people/search", s.page(auth.PermRead, s.searchPeople))
	mux.HandleFunc("POST /people/bulk-consent", s.page(auth.PermWrite, s.bulkConsent))
	mux.HandleFunc("GET /people/import", s.page(auth.PermWrite, s.importsPage))
	mux.HandleFunc("POST /people/import", s.page(auth.PermWrite, s.uploadImport))
	mux.HandleFunc("GET /import-files/{token}", s.page(auth.PermWrite, s.mappingPage))
	mux.HandleFunc("POST /import-files/{token}", s.page(auth.PermWrite, s.startImport))
	mux.HandleFunc("GET /imports/{id}", s.page(auth.PermWrite, s.importPage))
	mux.HandleFunc("GET /imports/{id}/report", s.page(auth.PermWrite, s.importReport))
	mux.HandleFunc("GET /people/new", s.page(auth.PermWrite, s.newPerson))
	mux.HandleFunc("POST /people", s.page(auth.PermWrite, s.createPerson))
	mux.HandleFunc("GET /people/{id}", s.page(auth.PermRead, s.showPerson))
	mux.HandleFunc("GET /people/{id}/edit", s.page(auth.PermWrite, s.editPerson))
	mux.HandleFunc("POST /people/{id}", s.page(auth.PermWrite, s.updatePerson))
	mux.HandleFunc("POST /people/{id}/delete", s.page(auth.PermDelete, s.deletePerson))
	mux.HandleFunc("POST /people/{id}/activities", s.page(auth.PermWrite, s.addPersonActivity))
	mux.HandleFunc("POST /people/{id}/consent", s.page(auth.PermWrite, s.recordConsent))
	mux.HandleFunc("GET /people/{id}/consent", s.page(auth.PermRead, s.consentProof))

	mux.HandleFunc("GET /organisations", s.page(auth.PermRead, s.listOrganisations))
	mux.HandleFunc("POST /organisations/search", s.page(auth.PermRead, s.searchOrganisations))
	mux.HandleFunc("GET /organisations/options", s.page(auth.PermRead, s.organisationOptions))
	mux.HandleFunc("GET /organisations/new", s.page(auth.PermWrite, s.newOrganisation))
	mux.HandleFunc("POST /organisations", s.page(auth.PermWrite, s.createOrganisation))
	mux.HandleFunc("GET /organisations/{id}", s.page(auth.PermRead, s.showOrganisation))
	mux.HandleFunc("GET /organisations/{id}/edit", s.page(auth.PermWrite, s.editOrganisation))
	mux.HandleFunc("POST /organisations/{id}", s.page(auth.PermWrite, s.updateOrganisation))
	mux.HandleFunc("POST /organisations/{id}/delete", s.page(auth.PermDelete, s.deleteOrganisation))
	mux.HandleFunc("POST /organisations/{id}/activities", s.page(auth.PermWrite, s.addOrganisationActivity))

	mux.HandleFunc("POST /activities/{id}/delete", s.page(auth.PermDelete, s.deleteActivity))

	mux.HandleFunc("GET /audit", s.page(auth.PermAudit, s.auditLog))
	mux.HandleFunc("GET /compliance/ledger", s.page(auth.PermAudit, s.ledgerPage))
	mux.HandleFunc("GET /compliance/suppression", s.page(auth.PermAudit, s.suppressionPage))
	mux.HandleFunc("POST /compliance/suppression", s.page(auth.PermAdmin, s.addSuppressions))
	mux.HandleFunc("POST /compliance/suppression/remove", s.page(auth.PermAdmin, s.removeSuppression))
	mux.HandleFunc("GET /compliance/suppression/export", s.page(auth.PermAdmin, s.exportSuppressions))
	mux.HandleFunc("POST /compliance/suppression/import", s.page(auth.PermAdmin, s.importSuppressions))
	mux.HandleFunc("POST /compliance/suppression/policy", s.page(auth.PermAdmin, s.setSuppressionPolicy))
	mux.HandleFunc("POST /compliance/ledger", s.page(auth.PermAudit, s.ledgerPage))
	mux.HandleFunc("GET /settings/tokens", s.page(auth.PermAdmin, s.listTokens))
	mux.HandleFunc("POST /settings/tokens", s.page(auth.PermAdmin, s.createToken))
	mux.HandleFunc("POST /settings/tokens/{id}/revoke", s.page(auth.PermAdmin, s.revokeToken))
	mux.HandleFunc("GET /settings/fields", s.page(auth.PermAdmin, s.listFields))
	mux.HandleFunc("POST /settings/fields", s.page(auth.PermAdmin, s.createField))
	mux.HandleFunc("POST /settings/fields/{id}/delete", s.page(auth.PermAdmin, s.deleteField))
	mux.HandleFunc("GET /settings/members", s.page(auth.PermAdmin, s.listMembers))
	mux.HandleFunc("GET /settings/contact-rules", s.page(auth.PermAdmin, s.contactSettingsPage))
	mux.HandleFunc("POST /settings/contact-rules", s.page(auth.PermAdmin, s.saveContactSettings))
}
