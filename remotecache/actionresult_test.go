package remotecache

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func sampleResult() *ActionResult {
	return &ActionResult{
		OutputFiles: []OutputFile{
			{Path: "out/a", Digest: DigestOf([]byte("a")), Executable: true},
			{Path: "out/empty", Digest: DigestOf(nil)},
		},
		ExitCode: -1,
		Stdout:   DigestOf([]byte("stdout")),
	}
}

// TestActionResultRoundTrip proves an encoded result decodes to itself.
func TestActionResultRoundTrip(t *testing.T) {
	r := sampleResult()
	got, err := UnmarshalActionResult(r.Marshal())
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, r)
	}
}

// TestActionResultOtherWriters proves a result as another client writes
// it decodes: unknown fields (output directories, symlinks, inlined
// stdout, metadata) are skipped, and fields come in any order.
func TestActionResultOtherWriters(t *testing.T) {
	var b []byte
	b = protowire.AppendTag(b, fieldResultExitCode, protowire.VarintType)
	b = protowire.AppendVarint(b, 7)
	b = protowire.AppendTag(b, 3, protowire.BytesType) // output_directories
	b = protowire.AppendBytes(b, []byte("\x0a\x01d"))
	b = protowire.AppendTag(b, 5, protowire.BytesType) // stdout_raw
	b = protowire.AppendBytes(b, []byte("inline"))
	b = protowire.AppendTag(b, 99, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 1)
	b = protowire.AppendTag(b, fieldResultOutputFiles, protowire.BytesType)
	b = protowire.AppendBytes(b, OutputFile{Path: "x", Digest: DigestOf([]byte("x"))}.marshal())
	got, err := UnmarshalActionResult(b)
	if err != nil {
		t.Fatal(err)
	}
	want := &ActionResult{ExitCode: 7, OutputFiles: []OutputFile{{Path: "x", Digest: DigestOf([]byte("x"))}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestActionResultRefused proves what the decoder refuses.
func TestActionResultRefused(t *testing.T) {
	file := func(f OutputFile) []byte {
		b := protowire.AppendTag(nil, fieldResultOutputFiles, protowire.BytesType)
		return protowire.AppendBytes(b, f.marshal())
	}
	good := DigestOf([]byte("x"))
	for name, b := range map[string][]byte{
		"truncated":       sampleResult().Marshal()[:10],
		"html":            []byte("<html>404</html>"),
		"no path":         file(OutputFile{Digest: good}),
		"no digest":       file(OutputFile{Path: "a"}),
		"md5 digest":      file(OutputFile{Path: "a", Digest: Digest{Hash: "900150983cd24fb0d6963f7d28e17f72", Size: 3}}),
		"uppercase hex":   file(OutputFile{Path: "a", Digest: Digest{Hash: "A" + good.Hash[1:], Size: 1}}),
		"negative size":   file(OutputFile{Path: "a", Digest: Digest{Hash: good.Hash, Size: -1}}),
		"huge size":       file(OutputFile{Path: "a", Digest: Digest{Hash: good.Hash, Size: MaxBlobBytes + 1}}),
		"files as varint": protowire.AppendVarint(protowire.AppendTag(nil, fieldResultOutputFiles, protowire.VarintType), 1),
		"exit as bytes":   protowire.AppendBytes(protowire.AppendTag(nil, fieldResultExitCode, protowire.BytesType), nil),
	} {
		if r, err := UnmarshalActionResult(b); !errors.Is(err, ErrBadResult) {
			t.Errorf("%s: %+v, %v; want ErrBadResult", name, r, err)
		}
	}
}

// FuzzActionResult feeds the decoder what a hostile cache could send: it
// never panics, and what it accepts encodes and decodes to the same.
func FuzzActionResult(f *testing.F) {
	f.Add(sampleResult().Marshal())
	f.Add((&ActionResult{}).Marshal())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := UnmarshalActionResult(b)
		if err != nil {
			return
		}
		again, err := UnmarshalActionResult(r.Marshal())
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("re-encoded %+v decodes to %+v, %v", r, again, err)
		}
		if !bytes.Equal(again.Marshal(), r.Marshal()) {
			t.Fatal("encoding is not stable")
		}
	})
}
