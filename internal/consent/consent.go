// Package consent holds what Registre knows about each person's consent and
// objections: purposes, the append-only ledger of consent events, the
// projection of the current state from it, and the contact rules engine
// that answers "may we contact this person, now?".
package consent

import "time"

// Channel is a way of reaching a person.
type Channel string

// Channels.
const (
	Email  Channel = "email"
	SMS    Channel = "sms"
	Phone  Channel = "phone"
	Postal Channel = "postal"
	// NoChannel is for purposes that send nothing (profiling, sharing).
	NoChannel Channel = ""
)

// Channels lists the channels that carry messages.
var Channels = []Channel{Email, SMS, Phone, Postal}

// PurposeKind says what a purpose is for; the rules differ.
type PurposeKind string

// Purpose kinds.
const (
	Marketing     PurposeKind = "marketing"
	Profiling     PurposeKind = "profiling"
	Sharing       PurposeKind = "sharing"
	Transactional PurposeKind = "transactional"
)

// Purpose is a purpose of processing a person may consent to (finalité).
type Purpose struct {
	ID          int64
	WorkspaceID int64
	Key         string
	LabelFR     string
	LabelEN     string
	Channel     Channel
	Kind        PurposeKind
	// Bit is the purpose's place in the people.consent_granted and
	// consent_withdrawn masks, unique in the workspace.
	Bit int
}

// MaxPurposes bounds a workspace's purposes: each needs a bit of a 64-bit
// mask (one left unused so masks stay positive).
const MaxPurposes = 63

// Default purpose keys, created with every workspace.
const (
	EmailMarketing    = "email_marketing"
	SMSMarketing      = "sms_marketing"
	PhoneProspecting  = "phone_prospecting"
	PostalMarketing   = "postal_marketing"
	ProfilingPurpose  = "profiling"
	ThirdPartySharing = "third_party_sharing"
	TransactionalMail = "transactional"
)

// DefaultPurposes are the purposes a new workspace starts with.
var DefaultPurposes = []Purpose{
	{Key: EmailMarketing, LabelFR: "Prospection commerciale par e-mail", LabelEN: "Email marketing", Channel: Email, Kind: Marketing},
	{Key: SMSMarketing, LabelFR: "Prospection commerciale par SMS", LabelEN: "SMS marketing", Channel: SMS, Kind: Marketing},
	{Key: PhoneProspecting, LabelFR: "Prospection téléphonique", LabelEN: "Phone prospecting", Channel: Phone, Kind: Marketing},
	{Key: PostalMarketing, LabelFR: "Prospection par courrier", LabelEN: "Postal marketing", Channel: Postal, Kind: Marketing},
	{Key: ProfilingPurpose, LabelFR: "Profilage et mesure d'ouverture", LabelEN: "Profiling and open tracking", Kind: Profiling},
	{Key: ThirdPartySharing, LabelFR: "Transmission à des partenaires", LabelEN: "Sharing with partners", Kind: Sharing},
	{Key: TransactionalMail, LabelFR: "Messages de service", LabelEN: "Service messages", Channel: Email, Kind: Transactional},
}

// State is the state of a person's consent to one purpose.
type State string

// Consent states.
const (
	None      State = "none"
	Pending   State = "pending" // awaiting double opt-in
	Granted   State = "granted"
	Withdrawn State = "withdrawn"
)

// Flag is an objection or a fact that forbids contact.
type Flag string

// Flags (the seed's data protection fields).
const (
	OpposedAll        Flag = "opposed_all"        // objected to all prospecting (Art. 21)
	EmailUnsubscribed Flag = "email_unsubscribed" // unsubscribed from marketing email
	SMSOptOut         Flag = "sms_optout"
	PhoneOptOut       Flag = "phone_optout"
	Bloctel           Flag = "bloctel" // on the French consumers' phone opposition list
	EmailInvalid      Flag = "email_invalid"
	ErasureRequested  Flag = "erasure_requested"
	Restricted        Flag = "restricted" // processing restricted (Art. 18)
	Suppressed        Flag = "suppressed" // an address is on the suppression list
)

// Flags lists every flag.
var Flags = []Flag{OpposedAll, EmailUnsubscribed, SMSOptOut, PhoneOptOut, Bloctel, EmailInvalid, ErasureRequested, Restricted, Suppressed}

// Action is what a ledger event does.
type Action string

// Actions: the first four apply to a purpose, the last two to a flag.
const (
	Request  Action = "request"  // none or withdrawn → pending (double opt-in sent)
	Confirm  Action = "confirm"  // pending → granted (double opt-in confirmed)
	Grant    Action = "grant"    // → granted (renewing a granted consent records new proof)
	Withdraw Action = "withdraw" // granted or pending → withdrawn
	Set      Action = "set"      // flag off → on (oppose, unsubscribe, opt out…)
	Clear    Action = "clear"    // flag on → off (resubscribe…)
)

// FlagState is the current value of one flag.
type FlagState struct {
	On      bool      `json:"on"`
	At      time.Time `json:"at"`
	EventID int64     `json:"-"`
}

// PurposeState is the current consent to one purpose.
type PurposeState struct {
	State   State     `json:"state"`
	At      time.Time `json:"at"`
	EventID int64     `json:"-"`
}
