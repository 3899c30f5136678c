package testregistry

import (
	"bytes"
	"context"
	"encoding/json"
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
}

// PushWasm pushes program as a CNCF wasm artifact to name ("org/tool:tag",
// on this registry) and returns the manifest digest ("sha256:…").
func (r *Registry) PushWasm(tb testing.TB, name string, program []byte) string {
	tb.Helper()
	config := []byte(`{"architecture":"wasm","os":"wasip1","layerDigests":["` + digest.FromBytes(program).String() + `"]}`)
	return r.Push(tb, name, WasmConfigType, config, Layer{WasmLayerType, program})
}

// Push pushes an OCI image manifest with the given config and layers to
// name ("org/tool:tag", on this registry) and returns its digest. Tests use
// it to build artifacts that are not wasm.
func (r *Registry) Push(tb testing.TB, name, configType string, config []byte, layers ...Layer) string {
	tb.Helper()
	ctx := context.Background()
	repo := r.repository(tb, name)
	m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Layers: []ocispec.Descriptor{}}
	m.SchemaVersion = 2
	m.Config = r.pushBlob(tb, repo, configType, config)
	for _, l := range layers {
		m.Layers = append(m.Layers, r.pushBlob(tb, repo, l.MediaType, l.Data))
	}
	body, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	desc := describe(ocispec.MediaTypeImageManifest, body)
	if err := repo.PushReference(ctx, desc, bytes.NewReader(body), repo.Reference.Reference); err != nil {
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
