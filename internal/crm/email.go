package crm

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// MaxEmailLength is the longest address accepted (RFC 5321 path limit).
const MaxEmailLength = 254

// NormalizeEmail checks an address and returns it as typed (trimmed) and in
// the normalised form used for matching: the local part lower-cased, the
// domain in lower-case ASCII (internationalised domains become punycode).
// It returns a message naming the problem when the address is not valid.
func NormalizeEmail(s string) (display, normalised string, problem string) {
	display = strings.TrimSpace(s)
	switch {
	case display == "":
		return "", "", "is empty"
	case !utf8.ValidString(display):
		return "", "", "is not valid UTF-8 text"
	case len(display) > MaxEmailLength:
		return "", "", "is longer than 254 characters"
	}
	at := strings.LastIndexByte(display, '@')
	if at <= 0 || at == len(display)-1 {
		return "", "", "must look like name@example.com"
	}
	local, domain := display[:at], display[at+1:]
	if strings.ContainsAny(local, " \t\r\n<>()[]\\,;:\"") {
		return "", "", "has characters that are not allowed before the @"
	}
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || !strings.Contains(ascii, ".") || strings.HasSuffix(ascii, ".") {
		return "", "", "has a domain that is not valid"
	}
	normalised = strings.ToLower(local) + "@" + ascii
	// net/mail checks the local part's syntax; the domain is checked above
	// because net/mail does not know IDNA.
	if _, err := mail.ParseAddress(local + "@" + ascii); err != nil {
		return "", "", "must look like name@example.com"
	}
	return display, normalised, ""
}
