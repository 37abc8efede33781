// Package crm holds the CRM core of Registre: people, organisations, their
// activities and the custom fields a workspace defines. It validates and
// normalises input; storage lives in package sqldb behind Store.
package crm

// Lifecycle is a person's stage: lead → prospect → customer.
type Lifecycle string

// Lifecycle stages.
const (
	Lead           Lifecycle = "lead"
	Prospect       Lifecycle = "prospect"
	Customer       Lifecycle = "customer"
	FormerCustomer Lifecycle = "former_customer"
)

// Lifecycles lists the stages in order.
var Lifecycles = []Lifecycle{Lead, Prospect, Customer, FormerCustomer}

// Audience says whether a person is reached as a professional (B2B) or a
// consumer (B2C); the contact rules differ.
type Audience string

// Audiences.
const (
	B2B Audience = "b2b"
	B2C Audience = "b2c"
)

// Audiences lists both audiences.
var Audiences = []Audience{B2B, B2C}

// OrgStatus is an organisation's commercial status.
type OrgStatus string

// Organisation statuses.
const (
	StatusSuspect        OrgStatus = "suspect"
	StatusProspect       OrgStatus = "prospect"
	StatusCustomer       OrgStatus = "customer"
	StatusFormerCustomer OrgStatus = "former_customer"
	StatusPartner        OrgStatus = "partner"
)

// OrgStatuses lists the statuses.
var OrgStatuses = []OrgStatus{StatusSuspect, StatusProspect, StatusCustomer, StatusFormerCustomer, StatusPartner}

// Origin is where a person's data came from (provenance).
type Origin string

// Origins.
const (
	OriginManual        Origin = "manual"
	OriginWebForm       Origin = "web_form"
	OriginImport        Origin = "import"
	OriginAPI           Origin = "api"
	OriginTradeShow     Origin = "trade_show"
	OriginPurchasedFile Origin = "purchased_file"
	OriginPartner       Origin = "partner"
	OriginReferral      Origin = "referral"
	OriginEvent         Origin = "event"
	OriginOther         Origin = "other"
)

// Origins lists the origins.
var Origins = []Origin{OriginManual, OriginWebForm, OriginImport, OriginAPI, OriginTradeShow,
	OriginPurchasedFile, OriginPartner, OriginReferral, OriginEvent, OriginOther}

// ActivityKind is the kind of an activity in a timeline.
type ActivityKind string

// Activity kinds.
const (
	KindNote           ActivityKind = "note"
	KindCall           ActivityKind = "call"
	KindMeeting        ActivityKind = "meeting"
	KindEmail          ActivityKind = "email"
	KindFormSubmission ActivityKind = "form_submission"
	KindPurchase       ActivityKind = "purchase"
	KindOther          ActivityKind = "other"
)

// ActivityKinds lists the kinds.
var ActivityKinds = []ActivityKind{KindNote, KindCall, KindMeeting, KindEmail, KindFormSubmission, KindPurchase, KindOther}

// CallOutcome is how a call went; the contact rules read refusals.
type CallOutcome string

// Call outcomes. Refused means the person said they do not want to be
// called: no call for RefusalQuietDays (D.223-9).
const (
	OutcomeNone     CallOutcome = ""
	OutcomeReached  CallOutcome = "reached"
	OutcomeNoAnswer CallOutcome = "no_answer"
	OutcomeRefused  CallOutcome = "refused"
)

// CallOutcomes lists the outcomes a call can have.
var CallOutcomes = []CallOutcome{OutcomeReached, OutcomeNoAnswer, OutcomeRefused}

// CountsByDefault says whether an activity of this kind counts as an
// interaction unless the author says otherwise. A note is internal; the
// others are contacts with the person. (The CNIL counts only contact coming
// from the person for prospects; the author can untick an outbound call.)
func (k ActivityKind) CountsByDefault() bool { return k != KindNote && k != KindOther }

func oneOf[T ~string](v T, all []T) bool {
	for _, a := range all {
		if v == a {
			return true
		}
	}
	return false
}
