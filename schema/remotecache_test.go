package schema

import (
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/remotecache"
)

// TestRemoteCacheForms proves both ways to write remote_cache:, with
// variables expanded.
func TestRemoteCacheForms(t *testing.T) {
	for text, want := range map[string]RemoteCache{
		"remote_cache: http://127.0.0.1:9090":                               {URL: "http://127.0.0.1:9090"},
		"remote_cache: https://cache.example/${OUT}":                        {URL: "https://cache.example/build/wasm32"},
		"remote_cache: {url: https://cache.example/team, read_only: true}":  {URL: "https://cache.example/team", ReadOnly: true},
		"remote_cache:\n  url: http://[::1]:8080/a/b\n  read_only: false\n": {URL: "http://[::1]:8080/a/b"},
	} {
		f, err := Parse(filepath.Join("testdata", "good", "x.yaml"), []byte("version: 1\nvars: {OUT: build/wasm32}\n"+text+"\n"), env)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		got := f.RemoteCache
		got.Pos = Pos{}
		if got != want {
			t.Errorf("%s: %+v, want %+v", text, got, want)
		}
	}
}

// TestRemoteCacheURLAgreesWithClient proves the task file accepts exactly
// the cache URLs the client can use: one that passes validate and then
// stops `run` with an error without a line and column (a port that is not
// a number, an unclosed IPv6 bracket, a bad escape in the host) is an
// error at its place instead.
func TestRemoteCacheURLAgreesWithClient(t *testing.T) {
	for _, v := range []string{"http://h:-1/", "http://h:8a/", "http://[::1/", "http://h%zz/", "http://[::1]:9/c",
		"http://[fe80::1%25eth0]:9/", "https://cache.example/a%2F..%2F..", "http://h:99999999/", "http://h/%00", "http://h/.."} {
		_, perr := Parse(filepath.Join("testdata", "good", "x.yaml"), []byte("version: 1\nremote_cache: \""+v+"\"\n"), env)
		_, cerr := remotecache.ParseURL(v)
		if (perr == nil) != (cerr == nil) {
			t.Errorf("%s: the task file says %v, the client %v", v, perr, cerr)
		}
	}
}
