package source

import "github.com/wasmtasks/wasmtasks/internal/ociref"

// ociRef is an oci: reference (the grammar is internal/ociref's, shared
// with the task file's validation).
type ociRef = ociref.Ref

func parseOCIRef(s string) (ociRef, error) { return ociref.Parse(s) }

func isSHA256Digest(d string) bool { return ociref.IsSHA256Digest(d) }
