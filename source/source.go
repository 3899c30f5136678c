package source

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
)

// A Spec is what the task file says about where a program comes from:
// exactly one of Go, URL and OCI is set.
type Spec struct {
	// Go is "./tools/gen" (a main package of the project's own module,
	// relative to Dir) or "golang.org/x/tools/cmd/goyacc@v0.52.0".
	Go string
	// URL is a program, or with File an archive, served over HTTP(S).
	URL string
	// OCI is a reference to a WebAssembly OCI artifact.
	OCI string
	// SHA256 is, for URL, the hex digest of what the URL serves (the
	// archive, with File); for OCI an optional pin of the program.
	SHA256 string
	// File is the program's path inside the archive URL serves.
	File string
	// Dir is the folder of the task file; Go's local packages are
	// relative to it.
	Dir string
}

// A Pin is what a Spec resolved to: what wasmtasks.lock records for one
// component, like a line of go.sum.
type Pin struct {
	// Source is "go", "url" or "oci".
	Source string `json:"source"`
	// Ref is the source as written: module@version or ./pkg, the URL (with
	// "#" and the file inside an archive), the OCI reference.
	Ref string `json:"ref"`
	// Resolved is the exact module version (v0.52.0), the archive or
	// program digest the URL served (sha256:…), or the manifest digest
	// (sha256:…); empty for a local Go package.
	Resolved string `json:"resolved,omitempty"`
	// Go is the Go version that built a go: program; a newer Go builds
	// other bytes from the same module, so a pin's SHA256 holds for its
	// Go version only.
	Go string `json:"go,omitempty"`
	// SHA256 is the hex digest of the program itself.
	SHA256 string `json:"sha256"`
}

// Fetcher obtains programs into a content-addressed folder and finds them
// there again without a network request or a process. The zero value is
// not usable: Dir must be set. A Fetcher is safe for concurrent use, also
// by several processes sharing Dir.
type Fetcher struct {
	// Dir is the root of the store: programs/, downloads/, archives/ and
	// go/ are kept under it (see the package documentation).
	Dir string
	// Progress receives download progress; nil means quiet.
	Progress io.Writer
	// HTTP makes the requests; nil means http.DefaultClient.
	HTTP *http.Client
	// GoCmd is the go command; empty means "go" found on $PATH.
	GoCmd string
	// Env is the environment of the go command (GOPROXY, GOFLAGS,
	// GOPRIVATE, GONOSUMDB, GOSUMDB…); nil means this process's.
	Env []string
}

// Fetch returns the path of the program spec names, obtaining it when the
// store does not have it, and the pin that records what it is.
//
// With a pin (from the lock) the program must match it: else the error is
// a [*MismatchError] naming both digests and `wasmtasks lock`. When the
// pinned program is in the store, Fetch makes no network request and
// starts no process. A pin for another source than spec is a mismatch too;
// to resolve afresh, pass nil. A local Go package is never pinned by
// digest: its sources are the project's own and change with every edit.
func (f *Fetcher) Fetch(ctx context.Context, spec Spec, pin *Pin) (path string, got Pin, err error) {
	if f.Dir == "" {
		return "", Pin{}, fmt.Errorf("source: Fetcher.Dir is not set")
	}
	switch {
	case spec.Go != "" && spec.URL == "" && spec.OCI == "":
		return f.fetchGo(ctx, spec, pin)
	case spec.URL != "" && spec.Go == "" && spec.OCI == "":
		return f.fetchURL(ctx, spec, pin)
	case spec.OCI != "" && spec.Go == "" && spec.URL == "":
		if fetchOCI == nil {
			return "", Pin{}, failf(ErrSpec, spec.OCI, nil, "oci: sources are not supported by this build")
		}
		return fetchOCI(ctx, f, spec, pin)
	}
	return "", Pin{}, failf(ErrSpec, "", nil, "a program comes from exactly one of go:, url: and oci: (got %q, %q, %q)", spec.Go, spec.URL, spec.OCI)
}

// fetchOCI obtains an oci: source; oci.go sets it.
var fetchOCI func(ctx context.Context, f *Fetcher, spec Spec, pin *Pin) (string, Pin, error)

// checkPin refuses a pin that records another source than want.
func checkPin(pin *Pin, source, ref string) error {
	if pin == nil || (pin.Source == source && pin.Ref == ref) {
		return nil
	}
	return &MismatchError{Ref: ref, Want: pin.Source + " " + pin.Ref, Got: source + " " + ref}
}

func (f *Fetcher) env() []string {
	if f.Env != nil {
		return f.Env
	}
	return os.Environ()
}

func (f *Fetcher) client() *http.Client {
	if f.HTTP != nil {
		return f.HTTP
	}
	return http.DefaultClient
}
