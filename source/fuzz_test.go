package source

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzUnpack feeds arbitrary bytes to the archive reader and unpacker:
// whatever they hold, nothing is written outside the unpacking folder and
// nothing panics.
func FuzzUnpack(f *testing.F) {
	f.Add(seedTarGz(f))
	f.Add(seedZip(f))
	f.Add([]byte("PK\x05\x06"))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		defer func(old int64) { maxExtractBytes = old }(maxExtractBytes)
		maxExtractBytes = 1 << 20
		dir := t.TempDir()
		ar := filepath.Join(dir, "archive")
		if err := os.WriteFile(ar, b, 0o600); err != nil {
			t.Fatal(err)
		}
		root := filepath.Join(dir, "root", "x")
		os.MkdirAll(root, 0o700)
		x := &extractor{root: root, links: map[string]bool{}}
		if walkArchive(ar, x.add) == nil {
			x.checkLinks()
		}
		ents, _ := os.ReadDir(dir)
		inner, _ := os.ReadDir(filepath.Join(dir, "root"))
		if len(ents) != 2 || len(inner) != 1 {
			t.Fatalf("written outside the folder: %v %v", ents, inner)
		}
	})
}

func seedTarGz(tb testing.TB) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "package/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "package/a.wasm", Typeflag: tar.TypeReg, Mode: 0o644, Size: 8})
	tw.Write([]byte("\x00asm\x01\x00\x00\x00"))
	tw.WriteHeader(&tar.Header{Name: "package/l", Typeflag: tar.TypeSymlink, Linkname: "a.wasm"})
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func seedZip(tb testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("bin/a.wasm")
	w.Write([]byte("\x00asm\x01\x00\x00\x00"))
	zw.Create("share/")
	zw.Close()
	return buf.Bytes()
}

// FuzzReadLock: any bytes are read as a lock or refused without a panic,
// and a lock that reads writes back to the same lock.
func FuzzReadLock(f *testing.F) {
	f.Add([]byte(`{"version": 1, "components": {"x": {"source": "url", "ref": "u", "resolved": "sha256:00", "sha256": "` + string(bytes.Repeat([]byte("a"), 64)) + `"}}}`))
	f.Add([]byte(`{"version": 2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, LockName)
		os.WriteFile(path, b, 0o600)
		l, err := ReadLock(path)
		if err != nil {
			return
		}
		if err := l.Write(path); err != nil {
			t.Fatal(err)
		}
		again, err := ReadLock(path)
		if err != nil || !reflect.DeepEqual(again, l) {
			t.Fatalf("written lock reads back as %+v, %v; want %+v", again, err, l)
		}
	})
}
