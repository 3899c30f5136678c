package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// The CNCF layout of a WebAssembly OCI artifact (TAG Runtime's "wasm OCI
// artifact"): an OCI image manifest whose config has ociConfigType and
// whose only layer is the program, of ociLayerType.
const (
	ociConfigType = "application/vnd.wasm.config.v0+json"
	ociLayerType  = "application/wasm"
)

// ociMaxManifest bounds a manifest, which for a wasm artifact is a few
// hundred bytes; a program layer is bounded by maxProgram.
const ociMaxManifest = 4 << 20

func init() { fetchOCI = fetchOCIArtifact }

// fetchOCIArtifact obtains the program of an oci: source. A tag is resolved
// to a manifest digest, which the pin records; with a pin the manifest is
// fetched by that digest, so a tag that moved since does not change the
// program, and when the pinned program is in the store nothing is
// requested at all. The manifest's and the layer's digests are verified
// before the program is kept under its own SHA-256 (harmless, whatever
// it is), which is then checked against spec.SHA256 and the pin.
func fetchOCIArtifact(ctx context.Context, f *Fetcher, spec Spec, pin *Pin) (string, Pin, error) {
	name := spec.OCI
	ref, err := parseOCI(name)
	if err != nil {
		return "", Pin{}, err
	}
	if err := checkPin(pin, "oci", name); err != nil {
		return "", Pin{}, err
	}
	target, err := ociTarget(name, ref, pin)
	if err != nil {
		return "", Pin{}, err
	}
	if pin != nil && pin.Resolved != "" {
		if path, ok := f.haveProgram(pin.SHA256); ok {
			if err := checkOCISum(name, spec, nil, pin.SHA256); err != nil {
				return "", Pin{}, err
			}
			return path, *pin, nil
		}
	}
	repo, err := f.ociRepository(name, ref)
	if err != nil {
		return "", Pin{}, err
	}
	manifest, layer, err := ociManifest(ctx, repo, name, target)
	if err != nil {
		return "", Pin{}, err
	}
	sum, path, err := f.pullOCILayer(ctx, repo, name, layer)
	if err != nil {
		return "", Pin{}, err
	}
	if err := checkOCISum(name, spec, pin, sum); err != nil {
		return "", Pin{}, err
	}
	return path, Pin{Source: "oci", Ref: name, Resolved: manifest.String(), SHA256: sum}, nil
}

// parseOCI reads registry/repository:tag or …@sha256:…; one of the two is
// required, as in a task file that is meant to be reproducible.
func parseOCI(name string) (registry.Reference, error) {
	ref, err := registry.ParseReference(name)
	if err != nil {
		return ref, failf(ErrSpec, name, err, "oci: not a reference; write registry/repository:tag or registry/repository@sha256:…")
	}
	if ref.Reference == "" {
		return ref, failf(ErrSpec, name, nil, "oci: no tag or digest; add :TAG or @sha256:… to the reference")
	}
	if ref.Registry == "docker.io" {
		ref.Registry = "registry-1.docker.io" // docker's alias for Docker Hub
	}
	return ref, nil
}

// ociTarget is what to ask the registry for: the pinned manifest digest
// when there is a pin, else the reference's digest or tag. A digest in the
// reference that is not the pinned one is a mismatch.
func ociTarget(name string, ref registry.Reference, pin *Pin) (string, error) {
	if pin == nil || pin.Resolved == "" {
		return ref.Reference, nil
	}
	if _, err := digest.Parse(pin.Resolved); err != nil {
		return "", failf(ErrSpec, name, err, "oci: the lock pins %q, not a manifest digest; run 'wasmtasks lock' to pin it again", pin.Resolved)
	}
	if d, err := ref.Digest(); err == nil && d.String() != pin.Resolved {
		return "", &MismatchError{Ref: name, Want: "manifest " + pin.Resolved, Got: "manifest " + d.String()}
	}
	return pin.Resolved, nil
}

// ociRepository is a client for ref's repository with the user's docker
// credentials. Only localhost and 127.0.0.1 are spoken to in plain HTTP,
// as docker and crane do; every other registry over TLS.
func (f *Fetcher) ociRepository(name string, ref registry.Reference) (*remote.Repository, error) {
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{})
	if err != nil {
		return nil, failf(ErrDownload, name, err, "oci: read the docker config ($DOCKER_CONFIG or ~/.docker/config.json); fix or move it")
	}
	repo := &remote.Repository{Reference: ref, PlainHTTP: isLoopbackName(ref.Registry)}
	repo.Client = &auth.Client{
		Client:     f.client(),
		Credential: credentials.Credential(store),
		Cache:      auth.NewCache(),
	}
	return repo, nil
}

// isLoopbackName reports whether host[:port] is localhost or 127.0.0.1.
func isLoopbackName(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return host == "localhost" || host == "127.0.0.1"
}

// ociManifest fetches the manifest target names (a tag or a digest),
// verifies it against its digest, and returns that digest and the
// descriptor of the program layer.
func ociManifest(ctx context.Context, repo *remote.Repository, name, target string) (digest.Digest, ocispec.Descriptor, error) {
	desc, rc, err := repo.Manifests().FetchReference(ctx, target)
	if err != nil {
		return "", ocispec.Descriptor{}, ociFail(name, "fetch the manifest", repo.Reference.Registry, err)
	}
	defer rc.Close()
	if d, err := digest.Parse(target); err == nil && d != desc.Digest {
		return "", ocispec.Descriptor{}, failf(ErrDigest, name, nil, "oci: asked for manifest %s, the registry sent %s", d, desc.Digest)
	}
	if desc.Size > ociMaxManifest {
		return "", ocispec.Descriptor{}, failf(ErrDownload, name, nil, "oci: the manifest is %d bytes, more than the %d a wasm artifact needs", desc.Size, ociMaxManifest)
	}
	body, err := content.ReadAll(rc, desc)
	if err != nil {
		return "", ocispec.Descriptor{}, failf(ErrDownload, name, err, "oci: read the manifest %s", desc.Digest)
	}
	layer, err := wasmLayer(name, desc.MediaType, body)
	return desc.Digest, layer, err
}

// wasmLayer checks that a manifest is a CNCF wasm artifact and returns its
// one layer.
func wasmLayer(name, mediaType string, body []byte) (ocispec.Descriptor, error) {
	fail := func(format string, args ...any) (ocispec.Descriptor, error) {
		return ocispec.Descriptor{}, failf(ErrNotWasm, name, nil, "oci: not a WebAssembly artifact: "+format+
			"; name an artifact with config %s and one %s layer", append(args, ociConfigType, ociLayerType)...)
	}
	if mediaType != ocispec.MediaTypeImageManifest {
		return fail("the manifest is %s", mediaType)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return fail("the manifest does not decode (%v)", err)
	}
	switch {
	case m.Config.MediaType != ociConfigType:
		return fail("config media type %q", m.Config.MediaType)
	case len(m.Layers) != 1:
		return fail("%d layers", len(m.Layers))
	case m.Layers[0].MediaType != ociLayerType:
		return fail("layer media type %q", m.Layers[0].MediaType)
	case m.Layers[0].Digest.Validate() != nil:
		return fail("layer digest %q", m.Layers[0].Digest)
	case m.Layers[0].Size < 0 || m.Layers[0].Size > maxProgram:
		return ocispec.Descriptor{}, failf(ErrDownload, name, nil, "oci: the program layer is %d bytes, more than the %d bytes wasmtasks accepts", m.Layers[0].Size, maxProgram)
	}
	return m.Layers[0], nil
}

// ociFail turns an error of a registry request into an [*Error] that names
// the reference, the HTTP status and what to do.
func ociFail(name, step, host string, err error) error {
	status, hint := ociStatus(host, err)
	if status != 0 {
		hint = fmt.Sprintf("HTTP %d, %s", status, hint)
	}
	e := failf(ErrDownload, name, err, "oci: %s: %s", step, hint)
	e.Status = status
	return e
}

// ociStatus is the HTTP status behind a registry error (0: none came) and
// what to do about it.
func ociStatus(host string, err error) (int, string) {
	login := fmt.Sprintf("; log in with 'docker login %s' (wasmtasks reads the docker config: $DOCKER_CONFIG or ~/.docker/config.json)", host)
	var resp *errcode.ErrorResponse
	var unreachable *url.Error
	switch {
	case errors.Is(err, errdef.ErrNotFound):
		return http.StatusNotFound, "not found; check the repository and the tag or digest, or push the artifact"
	case errors.Is(err, auth.ErrBasicCredentialNotFound):
		return http.StatusUnauthorized, "the registry wants a login and the docker config has none for it" + login
	case errors.As(err, &resp) && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden):
		return resp.StatusCode, "the registry refused the credentials" + login
	case errors.As(err, &resp):
		return resp.StatusCode, "the registry failed; try again later"
	case errors.As(err, &unreachable):
		scheme := "over TLS (only localhost and 127.0.0.1 are spoken to in plain HTTP)"
		if isLoopbackName(host) {
			scheme = "over plain HTTP"
		}
		return 0, fmt.Sprintf("the registry %s cannot be reached %s; check the name and the network, or run 'wasmtasks fetch' while online", host, scheme)
	}
	return 0, "the registry's answer does not match the manifest; try again, or tell the registry's owner"
}

// pullOCILayer downloads the program layer into the store and returns its
// SHA-256 and path. The layer's size and digest are verified before the
// program gets its name in the store (see [verifiedReader]).
func (f *Fetcher) pullOCILayer(ctx context.Context, repo *remote.Repository, name string, layer ocispec.Descriptor) (sum, path string, err error) {
	rc, err := repo.Blobs().Fetch(ctx, layer)
	if err != nil {
		return "", "", ociFail(name, "fetch the program layer "+layer.Digest.String(), repo.Reference.Registry, err)
	}
	defer rc.Close()
	p := newProgress(verifiedReader{content.NewVerifyReader(rc, layer)}, f.Progress, name, layer.Size)
	sum, path, err = f.putProgram(name, p)
	p.done()
	var e *Error
	switch {
	case errors.As(err, &e):
		return "", "", err
	case errors.Is(err, content.ErrMismatchedDigest):
		return "", "", failf(ErrDigest, name, err, "oci: the program layer is not the %s the manifest names; the registry sent other bytes, try again or tell its owner", layer.Digest)
	case err != nil:
		return "", "", failf(ErrDownload, name, err, "oci: fetch the program layer %s (%d bytes)", layer.Digest, layer.Size)
	}
	return sum, path, nil
}

// verifiedReader reads a layer and at its end reports a wrong size or
// digest instead of io.EOF, so that the store never keeps what failed.
type verifiedReader struct{ *content.VerifyReader }

func (v verifiedReader) Read(p []byte) (int, error) {
	n, err := v.VerifyReader.Read(p)
	if err == io.EOF {
		if verr := v.Verify(); verr != nil {
			return n, verr
		}
	}
	return n, err
}

// checkOCISum compares the program's digest with the task file's sha256:
// and the pin's.
func checkOCISum(name string, spec Spec, pin *Pin, sum string) error {
	if want := strings.ToLower(strings.TrimPrefix(spec.SHA256, "sha256:")); want != "" && want != sum {
		return failf(ErrDigest, name, nil, "oci: the program is sha256:%s but the task file's sha256: says %s; fix the sha256: or the reference", sum, want)
	}
	if pin != nil && pin.SHA256 != "" && pin.SHA256 != sum {
		return &MismatchError{Ref: name, Want: "program sha256:" + pin.SHA256, Got: "sha256:" + sum}
	}
	return nil
}
