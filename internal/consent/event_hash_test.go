package consent

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// The chain hash and the personal-data digest are SHA-256 over the
// length-prefixed fields written one after the other, as the ledgers
// already stored were sealed: however they are computed, an event hashes
// as that stream does.
func TestEventHashesAsStream(t *testing.T) {
	stream := func(n []uint64, fields ...string) string {
		h := sha256.New()
		for _, v := range n {
			_ = binary.Write(h, binary.BigEndian, v)
		}
		for _, s := range fields {
			_ = binary.Write(h, binary.BigEndian, uint32(len(s)))
			h.Write([]byte(s))
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	rapid.Check(t, func(rt *rapid.T) {
		text := func(label string) string {
			// Up to a few kilobytes: past the functions' stack buffers.
			return strings.Repeat(rapid.String().Draw(rt, label), rapid.IntRange(0, 200).Draw(rt, label+" times"))
		}
		e := &Event{Seq: rapid.Int64().Draw(rt, "seq"), At: time.UnixMicro(rapid.Int64Range(0, 1<<50).Draw(rt, "at")),
			PersonPublicID: text("person"), Purpose: text("purpose"), Flag: Flag(text("flag")), Action: Action(text("action")),
			ActorKind: text("actor kind"), ActorID: text("actor"), LegalBasis: LegalBasis(text("basis")),
			SourceKind: SourceKind(text("source kind")), SourceID: text("source"), SourceVersion: text("version"),
			Wording: text("wording"), IP: text("ip"), UserAgent: text("ua"), PageURL: text("url"), Note: text("note")}
		e.Seal(text("prev"))
		if want := stream(nil, e.IP, e.UserAgent, e.PageURL, e.Note); e.PIIDigest != want {
			rt.Fatalf("personal-data digest %s, want %s", e.PIIDigest, want)
		}
		want := stream([]uint64{uint64(e.Seq), uint64(e.At.UnixMicro())}, e.PrevHash, e.PersonPublicID, e.Purpose, string(e.Flag),
			string(e.Action), e.ActorKind, e.ActorID, string(e.LegalBasis), string(e.SourceKind), e.SourceID, e.SourceVersion,
			e.WordingSHA256, e.PIIDigest)
		if e.Hash != want {
			rt.Fatalf("chain hash %s, want %s", e.Hash, want)
		}
	})
}
