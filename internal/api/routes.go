package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/errs"
)

// routes is the route table: every endpoint of the API, with the
// permission a token's role needs on the same line. Handler registers it
// and the tests check it against the OpenAPI document, both ways.
func (a *API) routes() []route {
	return []route{
		{"GET /api/openapi.json", public, a.openAPI},

		{"GET /api/v1/people", auth.PermRead, a.listPeople},
		{"POST /api/v1/people/search", auth.PermRead, a.searchPeople},
		{"POST /api/v1/people", auth.PermWrite, a.createPerson},
		{"GET /api/v1/people/{id}", auth.PermRead, a.getPerson},
		{"PUT /api/v1/people/{id}", auth.PermWrite, a.replacePerson},
		{"PATCH /api/v1/people/{id}", auth.PermWrite, a.patchPerson},
		{"DELETE /api/v1/people/{id}", auth.PermDelete, a.deletePerson},
		{"GET /api/v1/people/{id}/activities", auth.PermRead, a.listPersonActivities},
		{"GET /api/v1/people/{id}/consent", auth.PermRead, a.getConsent},
		{"POST /api/v1/people/{id}/consent", auth.PermWrite, a.recordConsent},
		{"GET /api/v1/people/{id}/consent/proof", auth.PermRead, a.getConsentProof},
		{"GET /api/v1/people/{id}/contact-check", auth.PermRead, a.checkContact},

		{"GET /api/v1/organisations", auth.PermRead, a.listOrganisations},
		{"POST /api/v1/organisations/search", auth.PermRead, a.searchOrganisations},
		{"POST /api/v1/organisations", auth.PermWrite, a.createOrganisation},
		{"GET /api/v1/organisations/{id}", auth.PermRead, a.getOrganisation},
		{"PUT /api/v1/organisations/{id}", auth.PermWrite, a.replaceOrganisation},
		{"PATCH /api/v1/organisations/{id}", auth.PermWrite, a.patchOrganisation},
		{"DELETE /api/v1/organisations/{id}", auth.PermDelete, a.deleteOrganisation},
		{"GET /api/v1/organisations/{id}/activities", auth.PermRead, a.listOrganisationActivities},

		{"POST /api/v1/activities", auth.PermWrite, a.createActivity},
		{"GET /api/v1/activities/{id}", auth.PermRead, a.getActivity},
		{"DELETE /api/v1/activities/{id}", auth.PermDelete, a.deleteActivity},

		{"GET /api/v1/segments", auth.PermRead, a.listSegments},
		{"POST /api/v1/segments", auth.PermWrite, a.createSegment},
		{"POST /api/v1/segments/count", auth.PermRead, a.countSegment},
		{"POST /api/v1/segments/people", auth.PermRead, a.querySegmentPeople},
		{"GET /api/v1/segments/{id}", auth.PermRead, a.getSegment},
		{"PUT /api/v1/segments/{id}", auth.PermWrite, a.replaceSegment},
		{"DELETE /api/v1/segments/{id}", auth.PermWrite, a.deleteSegment},
		{"GET /api/v1/segments/{id}/people", auth.PermRead, a.segmentPeople},
		{"GET /api/v1/segments/{id}/export", auth.PermExport, a.exportSegment},
		{"POST /api/v1/segments/{id}/bulk", auth.PermWrite, a.startBulk},
		{"GET /api/v1/bulk-jobs/{id}", auth.PermRead, a.getJob},
		{"POST /api/v1/bulk-jobs/{id}/cancel", auth.PermWrite, a.cancelJob},
		{"POST /api/v1/imports", auth.PermWrite, a.createImport},
		{"GET /api/v1/imports/{id}", auth.PermWrite, a.getImport},
		{"GET /api/v1/imports/{id}/report", auth.PermWrite, a.getImportReport},
		{"POST /api/v1/imports/{id}/cancel", auth.PermWrite, a.cancelImport},
		{"GET /api/v1/imports/{id}/reviews", auth.PermWrite, a.listImportReviews},
		{"POST /api/v1/imports/{id}/reviews/{line}", auth.PermWrite, a.resolveImportReview},

		{"GET /api/v1/forms", auth.PermRead, a.listForms},
		{"POST /api/v1/forms", auth.PermWrite, a.createForm},
		{"GET /api/v1/forms/{id}", auth.PermRead, a.getForm},
		{"PUT /api/v1/forms/{id}", auth.PermWrite, a.updateForm},
		{"POST /api/v1/forms/{id}/publish", auth.PermWrite, a.publishForm},
		{"POST /api/v1/forms/{id}/unpublish", auth.PermWrite, a.unpublishForm},
		{"GET /api/v1/forms/{id}/versions/{version}", auth.PermRead, a.getFormVersion},
		{"GET /api/v1/forms/{id}/submissions", auth.PermRead, a.listFormSubmissions},

		{"GET /api/v1/purposes", auth.PermRead, a.listPurposes},
		{"GET /api/v1/consent/ledger/verify", auth.PermAudit, a.verifyLedger},
		{"GET /api/v1/consent/contactable", auth.PermRead, a.countContactable},
		{"GET /api/v1/settings/contact", auth.PermRead, a.getContactSettings},
		{"PUT /api/v1/settings/contact", auth.PermAdmin, a.putContactSettings},

		{"GET /api/v1/register", auth.PermRead, a.listRegister},
		{"POST /api/v1/register", auth.PermAdmin, a.createRegisterEntry},
		{"GET /api/v1/register/{id}", auth.PermRead, a.getRegisterEntry},
		{"PUT /api/v1/register/{id}", auth.PermAdmin, a.updateRegisterEntry},
		{"POST /api/v1/register/{id}/status", auth.PermAdmin, a.setRegisterStatus},
		{"GET /api/v1/register/{id}/versions", auth.PermRead, a.listRegisterVersions},
		{"GET /api/v1/register/{id}/versions/{version}", auth.PermRead, a.getRegisterVersion},
		{"GET /api/v1/register/{id}/notice", auth.PermRead, a.getEntryNotice},
		{"GET /api/v1/purposes/{key}/notice", auth.PermRead, a.getPurposeNotice},
		{"GET /api/v1/register/templates", auth.PermRead, a.listRegisterTemplates},
		{"POST /api/v1/register/adopt", auth.PermAdmin, a.adoptTemplates},
		{"GET /api/v1/register/drift", auth.PermRead, a.registerDrift},
		{"GET /api/v1/register/retention", auth.PermRead, a.registerRetention},
		{"GET /api/v1/register/export", auth.PermAudit, a.exportRegister},
		{"GET /api/v1/settings/register", auth.PermRead, a.getRegisterOrganisation},
		{"PUT /api/v1/settings/register", auth.PermAdmin, a.putRegisterOrganisation},
	}
}

// route is one line of the route table: a method pattern, the permission a
// token's role needs, and the handler.
type route struct {
	pattern string
	perm    auth.Permission
	handle  handlerFunc
}

// public marks the routes that need no token (the OpenAPI document).
const public auth.Permission = ""

// Handler returns the handler of every path under /api/. Unknown paths
// answer a JSON 404 and known paths called with another method a JSON 405,
// so that clients always get the error document.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{} // path pattern → methods, for 405s
	paths := http.NewServeMux()      // the same paths without methods
	for _, rt := range a.routes() {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, rt.perm, rt.handle) })
		method, path, _ := strings.Cut(rt.pattern, " ")
		if methods[path] == nil {
			paths.HandleFunc(path, http.NotFound)
		}
		methods[path] = append(methods[path], method)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, public, noRoute(paths, methods)) })
	return mux
}

// noRoute answers requests that match no route: 405 with the Allow header
// when the path exists with other methods, 404 otherwise.
func noRoute(paths *http.ServeMux, methods map[string][]string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ *caller) error {
		_, path := paths.Handler(r)
		if path == "" {
			return errs.Errorf(errs.NotFound, "There is no API endpoint at this path.")
		}
		allowed := slices.Sorted(slices.Values(methods[path]))
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return withStatus(http.StatusMethodNotAllowed, errs.Errorf(errs.Invalid,
			"Method %s is not allowed here; use %s.", r.Method, strings.Join(allowed, " or ")))
	}
}
