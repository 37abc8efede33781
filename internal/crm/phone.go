package crm

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers typed without a country
// code: French national format ("06 12 34 56 78") is accepted on input.
const DefaultRegion = "FR"

// PhoneKind classifies a number.
type PhoneKind string

// Phone kinds.
const (
	PhoneMobile   PhoneKind = "mobile"
	PhoneLandline PhoneKind = "landline"
	PhoneOther    PhoneKind = "other"
)

// NormalizePhone parses a number typed in international or French national
// format and returns it in E.164 with its kind, or a message naming the
// problem.
func NormalizePhone(s string) (e164 string, kind PhoneKind, problem string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", "is empty"
	}
	if len(s) > 40 {
		return "", "", "is too long to be a phone number"
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	num, err := phonenumbers.Parse(s, DefaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", "", "is not a valid phone number (use +33 6 12 34 56 78 or 06 12 34 56 78)"
	}
	kind = PhoneOther
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE:
		kind = PhoneMobile
	case phonenumbers.FIXED_LINE, phonenumbers.FIXED_LINE_OR_MOBILE:
		kind = PhoneLandline
	}
	return phonenumbers.Format(num, phonenumbers.E164), kind, ""
}

// FormatPhone renders an E.164 number for display: national format for French
// numbers, international for the others.
func FormatPhone(e164 string) string {
	num, err := phonenumbers.Parse(e164, DefaultRegion)
	if err != nil {
		return e164
	}
	if phonenumbers.GetRegionCodeForNumber(num) == DefaultRegion {
		return phonenumbers.Format(num, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}
