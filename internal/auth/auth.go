// Package auth holds staff users, their roles in workspaces, sessions, API
// tokens and the permission checks the edges apply.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// Role is a user's or token's role in a workspace.
type Role string

// Roles, from least to most powerful.
const (
	RoleReadOnly Role = "readonly"
	RoleSales    Role = "sales"
	RoleMarketer Role = "marketer"
	RoleAdmin    Role = "admin"
)

// Roles lists the roles.
var Roles = []Role{RoleAdmin, RoleMarketer, RoleSales, RoleReadOnly}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission is something a role may do.
type Permission string

// Permissions checked at the edges.
const (
	PermRead   Permission = "read"   // see people, organisations, activities
	PermWrite  Permission = "write"  // create and edit them, add activities
	PermDelete Permission = "delete" // delete them
	PermExport Permission = "export" // export personal data in bulk
	PermAudit  Permission = "audit"  // read the audit log
	PermAdmin  Permission = "admin"  // users, tokens, settings, custom fields
)

var grants = map[Role][]Permission{
	RoleReadOnly: {PermRead},
	RoleSales:    {PermRead, PermWrite, PermDelete},
	RoleMarketer: {PermRead, PermWrite, PermDelete, PermExport},
	RoleAdmin:    {PermRead, PermWrite, PermDelete, PermExport, PermAudit, PermAdmin},
}

// Can reports whether a member with role r (and the DPO flag) has p. The
// DPO reads the audit log whatever their role.
func Can(r Role, isDPO bool, p Permission) bool {
	if p == PermAudit && isDPO {
		return true
	}
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// User is a staff user.
type User struct {
	ID         int64
	PublicID   string
	Email      string
	Name       string
	Locale     string
	CreatedAt  time.Time
	DisabledAt time.Time
}

// Membership is a user's role in one workspace.
type Membership struct {
	UserID        int64
	WorkspaceID   int64
	WorkspaceSlug string
	WorkspaceName string
	Role          Role
	IsDPO         bool
}

// Session is a logged-in browser.
type Session struct {
	UserID      int64
	WorkspaceID int64
	CSRFToken   string
	ExpiresAt   time.Time
}

// Token is an API token; its secret is shown once and stored hashed.
type Token struct {
	ID          int64
	PublicID    string
	WorkspaceID int64
	Name        string
	Prefix      string
	Role        Role
	CreatedBy   int64
	CreatedAt   time.Time
	LastUsedAt  time.Time
	ExpiresAt   time.Time
	RevokedAt   time.Time
}

// SessionTTL is how long a session lives without use.
const SessionTTL = 12 * time.Hour

// TokenPrefix starts every API token, so that leaked tokens are easy to find.
const TokenPrefix = "rgt_"

// NewSecret returns a random string of n bytes of entropy, base32 encoded.
func NewSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// HashSecret returns the SHA-256 of a high-entropy secret (session or API
// token). A fast hash is right here: the secret is random, not a password.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
