package remotecache

import (
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// protowireFields is walk as the protobuf module reads the wire format:
// the reference for walk, which also refuses groups (REAPI never writes
// them) and field numbers over the spec's 2^29-1 (which protowire wraps).
func protowireFields(b []byte) (n int, ok bool) {
	for len(b) > 0 {
		if v, m := protowire.ConsumeVarint(b); m < 0 || v>>3 > maxFieldNumber {
			return n, false
		}
		num, typ, m := protowire.ConsumeTag(b)
		if m < 0 || typ == protowire.StartGroupType || typ == protowire.EndGroupType {
			return n, false
		}
		b = b[m:]
		if m = protowire.ConsumeFieldValue(num, typ, b); m < 0 {
			return n, false
		}
		b = b[m:]
		if typ == protowire.VarintType || typ == protowire.BytesType {
			n++ // the fields walk hands on
		}
	}
	return n, true
}

// FuzzWire checks that walk accepts exactly what the protobuf module
// reads as a message without groups, and sees as many fields.
func FuzzWire(f *testing.F) {
	f.Add(sampleResult().Marshal())
	f.Add(protowire.AppendFixed32(protowire.AppendTag(nil, 7, protowire.Fixed32Type), 1))
	f.Add(protowire.AppendVarint(nil, 1<<63))
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		var n int
		err := walk(b, func(wireNumber, wireType, []byte, uint64) error { n++; return nil })
		want, ok := protowireFields(b)
		if ok != (err == nil) {
			t.Fatalf("walk: %v; protowire reads it: %t", err, ok)
		}
		if ok && n != want {
			t.Fatalf("walk handed on %d fields, protowire reads %d", n, want)
		}
	})
}
