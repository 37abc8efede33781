package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// A hasher reused across addresses of different lengths and kinds gives
// each the HMAC a fresh one would: its state and buffer are reset.
func TestSuppressionHasherReuse(t *testing.T) {
	key := []byte("workspace key")
	fresh := func(kind SuppressionKind, norm string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(string(kind) + "\x00" + norm))
		return hex.EncodeToString(m.Sum(nil))
	}
	h := NewSuppressionHasher(key)
	for _, tc := range []struct {
		kind SuppressionKind
		norm string
	}{
		{SuppressEmail, "a-rather-long-address@example.com"},
		{SuppressPhone, "+33612345678"},
		{SuppressEmail, "b@x.fr"},
		{SuppressEmail, ""},
		{SuppressEmail, "b@x.fr"},
	} {
		if got, want := h.Hash(tc.kind, tc.norm), fresh(tc.kind, tc.norm); got != want {
			t.Errorf("Hash(%s, %q) = %s, want %s", tc.kind, tc.norm, got, want)
		}
		if got, want := SuppressionHash(key, tc.kind, tc.norm), fresh(tc.kind, tc.norm); got != want {
			t.Errorf("SuppressionHash(%s, %q) = %s, want %s", tc.kind, tc.norm, got, want)
		}
	}
	if h.Hash(SuppressEmail, "x") == h.Hash(SuppressPhone, "x") {
		t.Error("an email and a phone hash alike")
	}
}
