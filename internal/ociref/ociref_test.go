package ociref

import (
	"regexp"
	"strings"
	"testing"
)

var pattern = regexp.MustCompile(Pattern)

// withinLengths reports whether s keeps the lengths Parse bounds and the
// pattern does not: a host of at most 253 characters, a repository of at
// most 255.
func withinLengths(s string) bool {
	rest, _, _ := strings.Cut(s, "@")
	registry, path, _ := strings.Cut(rest, "/")
	host, _, _ := strings.Cut(registry, ":")
	if i := strings.LastIndexByte(path, ':'); i >= 0 {
		path = path[:i]
	}
	return len(host) <= 253 && len(path) <= 255
}

// FuzzPattern holds Pattern (the JSON Schema's) and Parse (the task file's
// and the pull's) to one grammar.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{
		"ghcr.io/org/tool:1.0", "localhost:5000/a/b__c/d---e:v1@sha256:" + strings.Repeat("ab", 32),
		"r.io/org//tool:1", "r.io/Org/tool", "r.io/a.-b", "-r.io/a", "r.io:/a", "r.io/a:.x", "r.io/a___b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := Parse(s)
		matches := pattern.MatchString(s)
		switch {
		case err == nil && !matches:
			t.Fatalf("Parse accepts %q, the pattern does not", s)
		case err != nil && matches && withinLengths(s):
			t.Fatalf("the pattern accepts %q, Parse does not: %v", s, err)
		}
	})
}
