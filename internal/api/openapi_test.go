package api

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
)

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]schema `json:"schemas"`
	} `json:"components"`
}

type schema struct {
	Properties map[string]struct {
		ReadOnly bool `json:"readOnly"`
	} `json:"properties"`
}

type operation struct {
	Permission string                     `json:"x-permission"`
	Security   *[]map[string][]string     `json:"security"`
	Responses  map[string]json.RawMessage `json:"responses"`
}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	return doc
}

// TestOpenAPIMatchesRoutes checks the route table against the document,
// both ways, with the permission of each operation.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	documented := map[string]operation{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented[strings.ToUpper(method)+" "+path] = op
		}
	}
	registered := map[string]bool{}
	for _, rt := range (&API{}).routes() {
		registered[rt.pattern] = true
		op, ok := documented[rt.pattern]
		if !ok {
			t.Errorf("route %s is not in openapi.json", rt.pattern)
			continue
		}
		want := string(rt.perm)
		if rt.perm == public {
			want = "none"
			if op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("%s: a public route must have security: []", rt.pattern)
			}
		} else {
			for _, code := range []string{"401", "403", "500"} {
				if op.Responses[code] == nil {
					t.Errorf("%s: no %s response documented", rt.pattern, code)
				}
			}
		}
		if op.Permission != want {
			t.Errorf("%s: x-permission %q, route table says %q", rt.pattern, op.Permission, want)
		}
	}
	for pattern := range documented {
		if !registered[pattern] {
			t.Errorf("openapi.json documents %s, which routes.go does not register", pattern)
		}
	}
}

// TestOpenAPISchemasMatchTypes checks that each schema has exactly the
// JSON fields of the Go type it describes, and marks read-only exactly the
// fields a body accepts only to ignore.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	for name, v := range map[string]any{
		"Person": personJSON{}, "PersonSummary": personSummaryJSON{}, "PersonInput": personBody{},
		"Address": addressJSON{}, "OrganisationAddress": orgAddressJSON{}, "PeopleSearch": peopleQuery{},
		"PersonPage": pageJSON[personSummaryJSON]{}, "Organisation": organisationJSON{},
		"OrganisationInput": organisationBody{}, "OrganisationSearch": organisationQuery{},
		"OrganisationPage": pageJSON[organisationJSON]{}, "Activity": activityJSON{},
		"ActivityInput": activityBody{}, "ActivityList": activityList{}, "Error": errorDocument{},
		"Purpose": purposeJSON{}, "PurposeList": purposeList{}, "PurposeConsent": purposeStateJSON{},
		"FlagValue": flagJSON{}, "ConsentState": consentStateJSON{}, "ConsentInput": consentBody{},
		"ConsentChangeInput": changeJSON{}, "ProofInput": proofJSON{}, "ConsentEvent": consent.Event{},
		"ConsentEventList": eventList{}, "Projection": consent.Projection{}, "ChainProblem": consent.Problem{},
		"ConsentProof": consent.PersonProof{}, "LedgerReport": ledgerReportJSON{}, "ContactableCount": contactableJSON{},
		"RegisterPeriod": register.Period{}, "RetentionRule": register.RetentionRule{}, "PurposeSpec": register.PurposeSpec{},
		"Recipients": register.Recipients{}, "Transfer": register.Transfer{}, "RegisterActivity": register.Activity{},
		"RegisterEntry": register.Entry{}, "RegisterEntryList": registerList{}, "RegisterVersion": register.Version{},
		"RegisterVersionList": versionList{}, "RegisterEntryInput": registerEntryBody{}, "RegisterStatusInput": statusBody{},
		"AdoptInput": adoptBody{}, "RegisterTemplate": register.Template{}, "RegisterTemplateList": templateList{},
		"Notice": register.Notice{}, "DriftGap": register.Gap{}, "DriftGapList": gapList{}, "RetentionEntry": register.Retention{},
		"RetentionList": retentionList{}, "Processor": register.Processor{}, "RegisterOrganisation": register.Organisation{},
		"Segment": segmentJSON{}, "SegmentList": segmentList{}, "SegmentInput": segmentBody{}, "SegmentQuery": segmentQuery{},
		"SegmentCount": segmentCount{}, "SegmentRow": segmentRow{}, "SegmentPeople": segmentPeople{}, "BulkInput": bulkBody{},
		"BulkJob": bulkJobJSON{}, "Criteria": segment.Node{},
		"Import": importJSON{}, "ImportOptions": importOptionsJSON{}, "ImportReview": reviewJSON{}, "ImportReviewPage": reviewPageJSON{},
		"ImportReviewInput": resolveBody{}, "ImportReviewResolved": resolvedJSON{}, "ImportReviewFile": reviewFileJSON{},
		"ImportReviewDifference": differenceJSON{},
		"FormSummary":            formSummaryJSON{}, "FormList": formList{}, "Form": formJSON{}, "FormDefinition": definitionJSON{},
		"FormField": formFieldJSON{}, "FormCheckbox": checkboxJSON{}, "FormVersionSummary": formVersionSummaryJSON{},
		"FormVersion": formVersionJSON{}, "FormCreateInput": createFormBody{}, "FormInput": formBody{},
		"FormDefinitionInput": definitionBody{}, "FormFieldInput": formFieldBody{}, "FormCheckboxInput": checkboxBody{},
		"FormSubmission": submissionJSON{}, "FormSubmissionValue": submissionValueJSON{}, "FormSubmissionPage": pageJSON[submissionJSON]{},
	} {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s is missing", name)
			continue
		}
		fields := flatFields(reflect.TypeOf(v))
		documented := slices.Sorted(maps.Keys(s.Properties))
		if !slices.Equal(documented, slices.Sorted(maps.Keys(fields))) {
			t.Errorf("schema %s has %v, Go type has %v", name, documented, slices.Sorted(maps.Keys(fields)))
		}
		if !strings.HasSuffix(name, "Input") {
			continue
		}
		for p, ft := range fields {
			isReadOnly := ft == reflect.TypeFor[readOnly]()
			if s.Properties[p].ReadOnly != isReadOnly {
				t.Errorf("%s.%s: readOnly %v, but the body field is ignored: %v", name, p, s.Properties[p].ReadOnly, isReadOnly)
			}
		}
	}
	var nested struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error schema `json:"error"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDocument, &nested); err != nil {
		t.Fatal(err)
	}
	documented := slices.Sorted(maps.Keys(nested.Components.Schemas.Error.Properties.Error.Properties))
	if want := slices.Sorted(maps.Keys(flatFields(reflect.TypeFor[errorJSON]()))); !slices.Equal(documented, want) {
		t.Errorf("schema Error.error has %v, errorJSON has %v", documented, want)
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				var target any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := target.(map[string]any)
					target = m[part]
				}
				if target == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}

// flatFields maps the JSON names of a struct's fields, embedded structs
// flattened as encoding/json does, to their types.
func flatFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if f.Anonymous {
			for k, v := range flatFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}
