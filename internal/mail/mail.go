// Package mail sends Registre's email: messages are written to an outbox
// in the transaction of the change that causes them, and a sender loop
// delivers them over SMTP, asking the contact rules again at the moment
// each message leaves. A message the rules refuse is not sent, and why is
// recorded.
package mail

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Kinds of message.
const (
	KindOptin   = "optin"   // double opt-in confirmation (transactional purpose)
	KindReoptin = "reoptin" // re-opt-in invitation (transactional purpose)
	KindStaff   = "staff"   // notification to a staff user (not a data subject)
)

// Message statuses in the outbox.
const (
	StatusQueued = "queued"
	StatusSent   = "sent"
	StatusDenied = "denied" // the contact rules refused it when it was due
	StatusFailed = "failed" // a permanent failure, or too many attempts
)

// Message is one email. A message to a data subject names the person and
// the purpose the contact rules are asked about; a message to a staff user
// names no person.
type Message struct {
	ID             int64
	WorkspaceID    int64
	PersonPublicID string
	Purpose        string
	Kind           string
	From           string // "Name <address>" or an address
	ReplyTo        string
	To             string
	Subject        string
	Text           string
	HTML           string
	MessageID      string // without angle brackets
	Attempts       int
	CreatedAt      time.Time
}

// Validate checks the addresses and the subject; the error names the field.
func (m *Message) Validate() error {
	for name, v := range map[string]string{"from": m.From, "to": m.To} {
		if _, err := mail.ParseAddress(v); err != nil {
			return fmt.Errorf("mail: %s address %q is not valid", name, v)
		}
	}
	if m.ReplyTo != "" {
		if _, err := mail.ParseAddress(m.ReplyTo); err != nil {
			return fmt.Errorf("mail: reply-to address is not valid")
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("mail: the subject has a line break")
	}
	if m.Text == "" {
		return fmt.Errorf("mail: the message has no text part")
	}
	if m.PersonPublicID != "" && m.Purpose == "" {
		return fmt.Errorf("mail: a message to a person needs a purpose for the contact rules")
	}
	return nil
}

// NewMessageID returns a unique Message-ID at domain (RFC 5322 §3.6.4),
// without angle brackets.
func NewMessageID(domain string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	if domain == "" {
		domain = "registre.invalid"
	}
	return hex.EncodeToString(b[:]) + "@" + domain
}

// DomainOf returns the domain of an address ("x@y.fr" or "Name <x@y.fr>").
func DomainOf(addr string) string {
	if a, err := mail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// Entry is a message's state in the outbox, as a person's page shows it:
// no address, no content.
type Entry struct {
	ID        int64
	Kind      string
	Purpose   string
	Status    string
	Attempts  int
	LastError string // the rules' reasons when denied, the server's answer when failed
	CreatedAt time.Time
}
