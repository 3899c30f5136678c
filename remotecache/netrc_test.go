package remotecache

import (
	"net/url"
	"testing"
)

// TestNetrcLookup proves which entry of a netrc file applies to a host.
func TestNetrcLookup(t *testing.T) {
	const text = `# comment-less format: tokens only
machine other.example login o password op
machine cache.example
	login alice
	password "s3cret word"
macdef init
machine cache.example login mallory password evil

default login anon password anonpw
`
	for host, want := range map[string]Credential{
		"cache.example": {User: "alice", Password: "s3cret word"},
		"CACHE.example": {User: "alice", Password: "s3cret word"},
		"other.example": {User: "o", Password: "op"},
		"unknown":       {User: "anon", Password: "anonpw"},
	} {
		if got, ok := netrcLookup(text, host, true); !ok || got != want {
			t.Errorf("%s: %+v, %v; want %+v", host, got, ok, want)
		}
	}
	if got, ok := netrcLookup(text, "unknown", false); ok {
		t.Errorf("the default entry without withDefault: %+v, want none", got)
	}
	if got, ok := netrcLookup("machine a login b password c", "z", true); ok {
		t.Errorf("no entry and no default: %+v, want none", got)
	}
}

// TestMayAuthenticate proves credentials go only over https or to this
// machine.
func TestMayAuthenticate(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://cache.example":  true,
		"http://127.0.0.1:8080":  true,
		"http://[::1]:8080":      true,
		"http://localhost:8080":  true,
		"http://cache.example":   false,
		"http://10.0.0.1:9090/x": false,
	} {
		u, _ := url.Parse(raw)
		if got := mayAuthenticate(u); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}
