package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// seal encrypts v (a search) into an opaque URL-safe string, so that what a
// user searched for (a name, an email) never appears in a URL, a log or the
// browser history in clear. Any process sharing the database shares the key.
func (s *Server) seal(v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	aead, err := s.aead()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte("search"))), nil
}

// unseal reverses seal; a forged or damaged value is an error.
func (s *Server) unseal(token string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return errors.New("bad sealed value")
	}
	aead, err := s.aead()
	if err != nil {
		return err
	}
	if len(raw) < aead.NonceSize() {
		return errors.New("bad sealed value")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte("search"))
	if err != nil {
		return errors.New("bad sealed value")
	}
	return json.Unmarshal(plain, v)
}

func (s *Server) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.SealKey[:32])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func subtleEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
