package schema

import (
	"path/filepath"
	"testing"
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
