package auth

import (
	"runtime"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/registre/registre/internal/errs"
)

// argonParams follow the RFC 9106 "second recommended" shape scaled to a
// 2-core server: 64 MiB, 1 pass, 2 lanes.
var argonParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// hashing bounds how many Argon2id computations run at once: each takes 64
// MiB, and a burst of parallel logins must queue, not exhaust memory.
var hashing = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func withHashSlot(f func()) {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	f()
}

// HashPassword returns the Argon2id hash of a password after checking it.
// It returns Invalid for a password that is too short or too long.
func HashPassword(pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	var hash string
	var err error
	withHashSlot(func() { hash, err = argon2id.CreateHash(pw, argonParams) })
	return hash, err
}

// CheckPassword validates a new password's length.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"password": "must have at least 10 characters"}}
	}
	if len(pw) > 256 {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"password": "must have at most 256 bytes"}}
	}
	return nil
}

// dummyHash is compared against when a login names no user, so that the
// time taken does not reveal which emails have accounts.
var dummyHash, _ = argon2id.CreateHash("registre-dummy-password", argonParams)

// VerifyPassword reports whether pw matches hash. An empty hash is checked
// against a dummy hash and never matches.
func VerifyPassword(pw, hash string) bool {
	if hash == "" {
		withHashSlot(func() { argon2id.ComparePasswordAndHash(pw, dummyHash) })
		return false
	}
	var ok bool
	var err error
	withHashSlot(func() { ok, err = argon2id.ComparePasswordAndHash(pw, hash) })
	return err == nil && ok
}
