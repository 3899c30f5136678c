package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
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
	return path, Pin{Source: "oci", Ref: name, Resolved: manifest, SHA256: sum}, nil
}

// parseOCI reads registry/repository:tag or …@sha256:…; one of the two is
// required, as in a task file that is meant to be reproducible.
func parseOCI(name string) (ociRef, error) {
	ref, err := parseOCIRef(name)
	if err != nil {
		return ref, failf(ErrSpec, name, err, "oci: not a reference; write registry/repository:tag or registry/repository@sha256:…")
	}
	if ref.Registry == "docker.io" {
		ref.Registry = "registry-1.docker.io" // docker's alias for Docker Hub
	}
	return ref, nil
}

// ociTarget is what to ask the registry for: the pinned manifest digest
// when there is a pin, else the reference's digest or tag. A digest in the
// reference that is not the pinned one is a mismatch.
func ociTarget(name string, ref ociRef, pin *Pin) (string, error) {
	if pin == nil || pin.Resolved == "" {
		return ref.Target(), nil
	}
	if !isSHA256Digest(pin.Resolved) {
		return "", failf(ErrSpec, name, nil, "oci: the lock pins %q, not a manifest digest (sha256:…); run 'wasmtasks lock' to pin it again", pin.Resolved)
	}
	if ref.Digest != "" && ref.Digest != pin.Resolved {
		return "", &MismatchError{Ref: name, Want: "manifest " + pin.Resolved, Got: "manifest " + ref.Digest}
	}
	return pin.Resolved, nil
}

// ociRepository is a client for ref's repository that logs in with the
// user's docker config ($DOCKER_CONFIG/config.json or
// ~/.docker/config.json) when the registry asks for a login.
func (f *Fetcher) ociRepository(name string, ref ociRef) (*registryClient, error) {
	config, err := loadDockerConfig()
	if err != nil {
		return nil, failf(ErrDownload, name, err, "oci: read the docker config ($DOCKER_CONFIG or ~/.docker/config.json); fix or move it")
	}
	creds := func(ctx context.Context) (credential, error) {
		c, err := config.credentialFor(ctx, ref.Registry)
		if err != nil {
			return c, failf(ErrDownload, name, err, "oci: find the login for %s in the docker config; fix the config or the credential helper", ref.Registry)
		}
		return c, nil
	}
	return newRegistryClient(f.client(), ref, creds), nil
}

// isLoopbackName reports whether host[:port] is localhost or 127.0.0.1.
func isLoopbackName(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return host == "localhost" || host == "127.0.0.1"
}

// The manifest types a pull accepts: the image manifest a wasm artifact
// is, and the others only to refuse them by name.
const (
	ociManifestType = "application/vnd.oci.image.manifest.v1+json"
	ociAccept       = ociManifestType + ", application/vnd.oci.image.index.v1+json, " +
		"application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"
)

// ociDescriptor names a blob: its media type, digest and size.
type ociDescriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

// ociImageManifest is the part of an OCI image manifest a pull reads.
type ociImageManifest struct {
	MediaType string          `json:"mediaType"`
	Config    ociDescriptor   `json:"config"`
	Layers    []ociDescriptor `json:"layers"`
}

// ociManifest fetches the manifest target names (a tag or a digest),
// verifies it against its digest, and returns that digest and the
// descriptor of the program layer.
func ociManifest(ctx context.Context, repo *registryClient, name, target string) (string, ociDescriptor, error) {
	resp, err := repo.get(ctx, "manifests", target, ociAccept)
	if err != nil {
		return "", ociDescriptor{}, ociFail(name, "fetch the manifest", repo.ref.Registry, err)
	}
	defer resp.Body.Close()
	tooBig := func(n int64) error {
		return failf(ErrDownload, name, nil, "oci: the manifest is %d bytes or more, more than the %d a wasm artifact needs", n, ociMaxManifest)
	}
	if resp.ContentLength > ociMaxManifest {
		return "", ociDescriptor{}, tooBig(resp.ContentLength)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, ociMaxManifest+1))
	if err != nil {
		return "", ociDescriptor{}, failf(ErrDownload, name, err, "oci: read the manifest; try again later")
	}
	if len(body) > ociMaxManifest {
		return "", ociDescriptor{}, tooBig(int64(len(body)))
	}
	sum := sha256.Sum256(body)
	got := "sha256:" + hex.EncodeToString(sum[:])
	if isSHA256Digest(target) && got != target {
		return "", ociDescriptor{}, failf(ErrDigest, name, nil, "oci: asked for manifest %s, the registry sent %s", target, got)
	}
	if said := resp.Header.Get("Docker-Content-Digest"); said != "" && said != got {
		return "", ociDescriptor{}, failf(ErrDigest, name, nil, "oci: the registry says the manifest is %s, but its bytes are %s; try again, or tell the registry's owner", serverText(said), got)
	}
	mediaType, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	layer, err := wasmLayer(name, strings.TrimSpace(mediaType), body)
	return got, layer, err
}

// wasmLayer checks that a manifest is a CNCF wasm artifact and returns its
// one layer.
func wasmLayer(name, mediaType string, body []byte) (ociDescriptor, error) {
	fail := func(format string, args ...any) (ociDescriptor, error) {
		return ociDescriptor{}, failf(ErrNotWasm, name, nil, "oci: not a WebAssembly artifact: "+format+
			"; name an artifact with config %s and one %s layer", append(args, ociConfigType, ociLayerType)...)
	}
	if mediaType != ociManifestType {
		return fail("the manifest is %s", serverText(mediaType))
	}
	var m ociImageManifest
	if err := json.Unmarshal(body, &m); err != nil {
		return fail("the manifest does not decode (%v)", err)
	}
	switch {
	case m.MediaType != "" && m.MediaType != mediaType:
		return fail("the manifest says it is %s", serverText(m.MediaType))
	case m.Config.MediaType != ociConfigType:
		return fail("config media type %s", serverText(m.Config.MediaType))
	case len(m.Layers) != 1:
		return fail("%d layers", len(m.Layers))
	case m.Layers[0].MediaType != ociLayerType:
		return fail("layer media type %s", serverText(m.Layers[0].MediaType))
	case !isSHA256Digest(m.Layers[0].Digest):
		return fail("layer digest %s (want sha256:…)", serverText(m.Layers[0].Digest))
	case m.Layers[0].Size < 0 || m.Layers[0].Size > maxProgram:
		return ociDescriptor{}, failf(ErrDownload, name, nil, "oci: the program layer is %d bytes, more than the %d bytes wasmtasks accepts", m.Layers[0].Size, maxProgram)
	}
	return m.Layers[0], nil
}

// ociFail turns an error of a registry request into an [*Error] that names
// the reference, the HTTP status and what to do.
func ociFail(name, step, host string, err error) error {
	if e := (*Error)(nil); errors.As(err, &e) {
		return err // already says what and where
	}
	status, hint := ociStatus(host, err)
	if status != 0 {
		hint = fmt.Sprintf("HTTP %d, %s", status, hint)
	}
	e := failf(ErrDownload, name, err, "oci: %s: %s", step, hint)
	e.Status = status
	return e
}

// dockerHubHint is for a registry named by one word: docker reads org/tool
// as Docker Hub's, wasmtasks reads everything before the first / as the
// registry, as the task file's grammar says.
func dockerHubHint(host string) string {
	name, _, _ := strings.Cut(host, ":")
	if strings.Contains(name, ".") || isLoopbackName(host) || name == "localhost" {
		return ""
	}
	return fmt.Sprintf(" (%s is read as the registry's host name: the part before the first /; for Docker Hub write docker.io/%s/…)", name, name)
}

// ociStatus is the HTTP status behind a registry error (0: none came) and
// what to do about it.
func ociStatus(host string, err error) (int, string) {
	login := fmt.Sprintf("; log in with 'docker login %s' (wasmtasks reads the docker config: $DOCKER_CONFIG or ~/.docker/config.json)", host)
	var resp *registryError
	var unreachable *url.Error
	switch {
	case errors.As(err, &resp) && resp.Status == http.StatusNotFound:
		return http.StatusNotFound, "not found; check the repository and the tag or digest, or push the artifact"
	case errors.As(err, &resp) && resp.noLogin:
		return resp.Status, "the registry wants a login and the docker config has none for it" + login
	case errors.As(err, &resp) && resp.hadLogin:
		return resp.Status, "the registry refused the credentials" + login
	case errors.As(err, &resp) && resp.elsewhere:
		return resp.Status, "the server the registry redirected to wants a login; wasmtasks sends the registry's login only to the registry, tell its owner"
	case errors.As(err, &resp):
		return resp.Status, "the registry failed; try again later"
	case errors.Is(err, errStalled):
		return 0, fmt.Sprintf("the registry %s stopped answering; try again later", host)
	case errors.As(err, &unreachable):
		scheme := "over TLS (only localhost and 127.0.0.1 are spoken to in plain HTTP)"
		if isLoopbackName(host) {
			scheme = "over plain HTTP"
		}
		return 0, fmt.Sprintf("the registry %s cannot be reached %s; check the name and the network, or run 'wasmtasks fetch' while online%s", host, scheme, dockerHubHint(host))
	}
	return 0, "the registry's answer cannot be used; try again, or tell the registry's owner"
}

// pullOCILayer downloads the program layer into the store and returns its
// SHA-256 and path. The layer's size and digest are verified before the
// program gets its name in the store (see [verifiedBlob]).
func (f *Fetcher) pullOCILayer(ctx context.Context, repo *registryClient, name string, layer ociDescriptor) (sum, path string, err error) {
	step := "fetch the program layer " + layer.Digest
	resp, err := repo.get(ctx, "blobs", layer.Digest, "*/*")
	if err != nil {
		return "", "", ociFail(name, step, repo.ref.Registry, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > layer.Size {
		return "", "", failf(ErrDownload, name, nil, "oci: %s: the registry sends %d bytes, the manifest says %d; try again or tell its owner", step, resp.ContentLength, layer.Size)
	}
	blob := &verifiedBlob{r: resp.Body, h: sha256.New(), size: layer.Size, want: layer.Digest, name: name}
	p := newProgress(blob, f.Progress, name, layer.Size)
	sum, path, err = f.putProgram(name, p)
	p.done()
	var e *Error
	switch {
	case errors.As(err, &e):
		return "", "", err
	case err != nil:
		return "", "", failf(ErrDownload, name, err, "oci: %s (%d bytes)", step, layer.Size)
	}
	return sum, path, nil
}

// verifiedBlob reads a layer and fails, instead of ending, when it is
// longer or shorter than its size or has another digest, so that the
// store never keeps what failed.
type verifiedBlob struct {
	r          io.Reader
	h          hash.Hash
	n, size    int64
	want, name string
}

func (v *verifiedBlob) Read(p []byte) (int, error) {
	if int64(len(p)) > v.size-v.n+1 {
		p = p[:v.size-v.n+1] // one byte past the end is enough to notice
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	switch {
	case v.n > v.size:
		return n, failf(ErrDownload, v.name, nil, "oci: the program layer %s is longer than the %d bytes the manifest says; the registry sent other bytes, try again or tell its owner", v.want, v.size)
	case err == io.EOF && v.n < v.size:
		return n, failf(ErrDownload, v.name, io.ErrUnexpectedEOF, "oci: the program layer %s stopped after %d of %d bytes; try again", v.want, v.n, v.size)
	case err == io.EOF && "sha256:"+hex.EncodeToString(v.h.Sum(nil)) != v.want:
		return n, failf(ErrDigest, v.name, nil, "oci: the program layer is not the %s the manifest names; the registry sent other bytes, try again or tell its owner", v.want)
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
