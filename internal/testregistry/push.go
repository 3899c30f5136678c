package testregistry

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// The CNCF layout of a WebAssembly OCI artifact: a config of type
// WasmConfigType and one layer of type WasmLayerType.
const (
	WasmConfigType = "application/vnd.wasm.config.v0+json"
	WasmLayerType  = "application/wasm"
)

// A Layer is one blob of a pushed artifact.
type Layer struct {
	MediaType string
	Data      []byte
	// Size, when not zero, is the size the manifest claims instead of
	// len(Data): a lying manifest, for tests of a hostile registry.
	Size int64
}

// PushWasm pushes program as a CNCF wasm artifact to name ("org/tool:tag",
// on this registry) and returns the manifest digest ("sha256:…").
func (r *Registry) PushWasm(tb testing.TB, name string, program []byte) string {
	tb.Helper()
	config := []byte(`{"architecture":"wasm","os":"wasip1","layerDigests":["` + digest.FromBytes(program).String() + `"]}`)
	return r.Push(tb, name, WasmConfigType, config, Layer{MediaType: WasmLayerType, Data: program})
}

// Push pushes an OCI image manifest with the given config and layers to
// name ("org/tool:tag", on this registry) and returns its digest. Tests use
// it to build artifacts that are not wasm.
func (r *Registry) Push(tb testing.TB, name, configType string, config []byte, layers ...Layer) string {
	tb.Helper()
	repo := r.repository(tb, name)
	m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Layers: []ocispec.Descriptor{}}
	m.SchemaVersion = 2
	m.Config = r.pushBlob(tb, repo, configType, config)
	for _, l := range layers {
		desc := r.pushBlob(tb, repo, l.MediaType, l.Data)
		if l.Size != 0 {
			desc.Size = l.Size
		}
		m.Layers = append(m.Layers, desc)
	}
	body, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return r.PushManifest(tb, name, ocispec.MediaTypeImageManifest, body)
}

// PushManifest pushes body, a manifest or index of mediaType whose blobs
// and manifests are on the registry already, to name ("org/tool:tag") and
// returns its digest.
func (r *Registry) PushManifest(tb testing.TB, name, mediaType string, body []byte) string {
	tb.Helper()
	repo := r.repository(tb, name)
	desc := describe(mediaType, body)
	if err := repo.PushReference(context.Background(), desc, bytes.NewReader(body), repo.Reference.Reference); err != nil {
		tb.Fatalf("testregistry: push manifest %s: %v", name, err)
	}
	return desc.Digest.String()
}

func (r *Registry) pushBlob(tb testing.TB, repo *remote.Repository, mediaType string, data []byte) ocispec.Descriptor {
	tb.Helper()
	desc := describe(mediaType, data)
	if err := repo.Push(context.Background(), desc, bytes.NewReader(data)); err != nil {
		tb.Fatalf("testregistry: push blob %s: %v", mediaType, err)
	}
	return desc
}

// repository is a client for name on this registry, over plain HTTP, with
// the registry's own account when it has one.
func (r *Registry) repository(tb testing.TB, name string) *remote.Repository {
	tb.Helper()
	repo, err := remote.NewRepository(r.Host + "/" + name)
	if err != nil {
		tb.Fatalf("testregistry: %v", err)
	}
	repo.PlainHTTP = true
	client := &auth.Client{}
	if r.User != "" {
		client.Credential = auth.StaticCredential(r.Host, auth.Credential{Username: r.User, Password: r.Password})
	}
	repo.Client = client
	return repo
}

func describe(mediaType string, data []byte) ocispec.Descriptor {
	return ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(data), Size: int64(len(data))}
}

// ReplaceBlob overwrites the stored content of the blob with digest d
// ("sha256:…") by data: the registry then serves bytes that do not match
// their digest, like a damaged or hostile registry.
func (r *Registry) ReplaceBlob(tb testing.TB, d string, data []byte) {
	tb.Helper()
	algo, hex, _ := strings.Cut(d, ":")
	path := filepath.Join(r.dir, "docker", "registry", "v2", "blobs", algo, hex[:2], hex, "data")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatalf("testregistry: replace blob %s: %v", d, err)
	}
}
