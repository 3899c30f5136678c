// Package realtools pins the Go tools the benchmark builds for wasip1
// (yq, gofumpt) as tool dependencies of their own module, so that their
// versions and checksums are recorded here and nowhere else. The bench
// builds them with `go build` in this folder.
package realtools
