// Package ociref is the grammar of an oci: reference,
// registry/repository[:tag][@sha256:…]: one definition for the task file's
// validation (schema), its JSON Schema, and the pull (source).
package ociref

import (
	"errors"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/sha256hex"
)

// Pattern is the grammar as a regular expression, for the JSON Schema that
// editors check task files with: [Parse] accepts exactly what it matches
// within the lengths Parse also bounds (a test holds the two together).
const Pattern = `^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$`

// Ref is an oci: reference: registry/repository with a tag, a digest,
// or both (then the digest decides what is fetched). The grammar is the
// OCI distribution one, written out by hand so that nothing is compiled
// at start-up; digests are sha256, the only algorithm registries use for
// wasm artifacts and the only one the task file accepts.
type Ref struct {
	Registry   string // host[:port]
	Repository string // path components, lower case
	Tag        string // may be empty when Digest is set
	Digest     string // "sha256:" + 64 lower-case hex digits, or empty
}

// Target is what the reference asks the registry for: its digest when it
// has one, else its tag.
func (r Ref) Target() string {
	if r.Digest != "" {
		return r.Digest
	}
	return r.Tag
}

// The reasons a reference is refused; Parse's errors say which part.
var (
	ErrRegistry   = errors.New("the registry must be host or host:port before the first /")
	ErrRepository = errors.New("the repository must be lower-case path components of letters and digits joined by . _ __ or -")
	ErrTag        = errors.New("a tag is 1 to 128 letters, digits, _ . or -, not starting with . or -")
	ErrDigest     = errors.New("a digest is sha256: and 64 lower-case hex digits")
	ErrNoTarget   = errors.New("a reference needs a :TAG or an @sha256:… digest to pull")
)

// Parse reads registry/repository[:tag][@sha256:…]; a reference needs a
// tag, a digest or both (then the digest decides what is pulled).
func Parse(s string) (Ref, error) {
	var r Ref
	rest, digest, hasDigest := strings.Cut(s, "@")
	if hasDigest {
		if !IsSHA256Digest(digest) {
			return r, ErrDigest
		}
		r.Digest = digest
	}
	registry, path, ok := strings.Cut(rest, "/")
	if !ok || !validRegistry(registry) {
		return r, ErrRegistry
	}
	r.Registry = registry
	if i := strings.LastIndexByte(path, ':'); i >= 0 {
		path, r.Tag = path[:i], path[i+1:]
		if !validTag(r.Tag) {
			return r, ErrTag
		}
	}
	if !validRepository(path) {
		return r, ErrRepository
	}
	r.Repository = path
	if r.Target() == "" {
		return r, ErrNoTarget
	}
	return r, nil
}

// IsSHA256Digest reports whether d is "sha256:" and 64 lower-case hex
// digits.
func IsSHA256Digest(d string) bool {
	hex, ok := strings.CutPrefix(d, "sha256:")
	return ok && sha256hex.Valid(hex)
}

// maxHostName is the longest name DNS can resolve.
const maxHostName = 253

// validRegistry accepts host[:port]: up to maxHostName letters, digits,
// dots and dashes, and a port of digits.
func validRegistry(s string) bool {
	host, port, hasPort := strings.Cut(s, ":")
	if hasPort && (port == "" || strings.Trim(port, "0123456789") != "" || len(port) > 5) {
		return false
	}
	if host == "" || len(host) > maxHostName || host[0] == '-' || host[0] == '.' {
		return false
	}
	for _, c := range []byte(host) {
		if !isAlnum(c) && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// validRepository accepts path components of lower-case letters and
// digits separated by one ., one or two _, or any number of -.
func validRepository(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, comp := range strings.Split(s, "/") {
		if !validComponent(comp) {
			return false
		}
	}
	return true
}

func validComponent(c string) bool {
	if c == "" || !isLowerAlnum(c[0]) || !isLowerAlnum(c[len(c)-1]) {
		return false
	}
	for i := 0; i < len(c); {
		if isLowerAlnum(c[i]) {
			i++
			continue
		}
		j := i
		for j < len(c) && !isLowerAlnum(c[j]) {
			j++
		}
		if sep := c[i:j]; sep != "." && sep != "_" && sep != "__" && strings.Trim(sep, "-") != "" {
			return false
		}
		i = j
	}
	return true
}

// validTag accepts [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func validTag(t string) bool {
	if t == "" || len(t) > 128 || t[0] == '.' || t[0] == '-' {
		return false
	}
	for _, c := range []byte(t) {
		if !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLowerAlnum(c) || c >= 'A' && c <= 'Z' }
