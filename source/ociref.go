package source

import (
	"errors"
	"strings"
)

// ociRef is an oci: reference: registry/repository with a tag, a digest,
// or both (then the digest decides what is fetched). The grammar is the
// OCI distribution one, written out by hand so that nothing is compiled
// at start-up; digests are sha256, the only algorithm registries use for
// wasm artifacts and the only one the task file accepts.
type ociRef struct {
	Registry   string // host[:port]
	Repository string // path components, lower case
	Tag        string // may be empty when Digest is set
	Digest     string // "sha256:" + 64 lower-case hex digits, or empty
}

// target is what the reference asks the registry for: its digest when it
// has one, else its tag.
func (r ociRef) target() string {
	if r.Digest != "" {
		return r.Digest
	}
	return r.Tag
}

// The reasons a reference is refused; parseOCIRef's errors say which part.
var (
	errRefRegistry   = errors.New("the registry must be host or host:port before the first /")
	errRefRepository = errors.New("the repository must be lower-case path components of letters and digits joined by . _ __ or -")
	errRefTag        = errors.New("a tag is 1 to 128 letters, digits, _ . or -, not starting with . or -")
	errRefDigest     = errors.New("a digest is sha256: and 64 lower-case hex digits")
)

// parseOCIRef reads registry/repository[:tag][@sha256:…]. A reference
// with neither tag nor digest parses (Tag and Digest empty); the caller
// decides whether that is allowed.
func parseOCIRef(s string) (ociRef, error) {
	var r ociRef
	rest, digest, hasDigest := strings.Cut(s, "@")
	if hasDigest {
		if !isSHA256Digest(digest) {
			return r, errRefDigest
		}
		r.Digest = digest
	}
	registry, path, ok := strings.Cut(rest, "/")
	if !ok || !validRegistry(registry) {
		return r, errRefRegistry
	}
	r.Registry = registry
	if i := strings.LastIndexByte(path, ':'); i >= 0 {
		path, r.Tag = path[:i], path[i+1:]
		if !validTag(r.Tag) {
			return r, errRefTag
		}
	}
	if !validRepository(path) {
		return r, errRefRepository
	}
	r.Repository = path
	return r, nil
}

// isSHA256Digest reports whether d is "sha256:" and 64 lower-case hex digits.
func isSHA256Digest(d string) bool {
	hex, ok := strings.CutPrefix(d, "sha256:")
	return ok && hexDigest.MatchString(hex)
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
