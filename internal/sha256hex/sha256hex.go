// Package sha256hex is the one definition of a SHA-256 as wasmtasks writes
// and reads it: 64 lower-case hex digits (lock files, the sources folder,
// OCI digests, remote-cache keys).
package sha256hex

// Valid reports whether s is 64 lower-case hex digits.
func Valid(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
