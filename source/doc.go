// Package source obtains the programs that tasks run from where the task
// file says they come from — a Go package (go:), a URL or an archive
// behind one (url:), an OCI registry (oci:) — into a content-addressed
// store, and reads and writes the lock file that pins what they resolved
// to. It knows nothing of tasks or wasmtime: [Fetcher.Fetch] turns a
// [Spec] into the path of a program and a [Pin].
//
// # Where things are kept
//
// Under [Fetcher.Dir] (the caller's store folder):
//
//	programs/sha256/<hex>.wasm    every program, named by its SHA-256
//	programs/sha256/<hex>.wasm.stamp  the file's identity when last hashed
//	downloads/sha256/<hex>        archives as downloaded, named by digest
//	archives/sha256/<hex>/        an archive unpacked, for read-only dirs
//	go/<key>.json                 what a go: build was made from
//
// Every file is written to a temporary name in the same folder, synced and
// renamed, and a folder is unpacked under a temporary name and renamed, so
// no reader ever sees half of one under a real name; two processes that
// obtain the same program both succeed. A program in the store is hashed
// again only when its identity (device, inode, size, modification and
// change times) differs from the one recorded when it was last hashed; a
// program whose digest no longer matches its name is removed and obtained
// again.
//
// [Fetcher.Usage], [Fetcher.Prune] and [Fetcher.Clear] report, shrink and
// empty the folder (for `wasmtasks cache`). An entry's last use is the
// modification time of its .stamp (an archive's: of its folder), which
// Fetch and ArchiveDir set whenever they serve it from the folder; the
// program's own times are part of its identity, so touching it would make
// the next Fetch hash it again. Prune removes least recently used entries
// whole (a stamp before its file; an archive folder renamed away before it
// is deleted), stamps whose file is gone and temporaries whose writer died.
// It keeps go/ records: one whose program is gone only makes the next
// Fetch build it again. A process that is using an entry Prune or Clear
// removes fails or sees it vanish; the next run fetches it again.
//
// # go: sources and what their builds are keyed by
//
// A Go program is built with the go command on $PATH (GOOS=wasip1
// GOARCH=wasm, -trimpath) into a preview1 module, with the user's own
// GOPROXY, GOFLAGS, GOPRIVATE, GONOSUMDB and GOSUMDB: the checksum database
// verifies what the proxy serves.
//
// The toolchain key, part of every go/ key, is the go command's resolved
// path and file identity (a new Go release replaces the file), the
// variables GO111MODULE GOEXPERIMENT GOFIPS140 GOFLAGS GOROOT GOTOOLCHAIN
// GOWASM GOWORK GOENV, and the content of the file 'go env -w' writes. It
// is computed with a few stats and no process.
//
// A module version (golang.org/x/tools/cmd/goyacc@v0.52.0) is keyed by the
// package, the exact version and the toolchain key. That is sound because
// a module version's content never changes (the checksum database and the
// module cache guarantee it) and -trimpath builds are reproducible: the
// same sources and toolchain give the same bytes. A version that is not
// exact (@latest, a branch, v1.2) is resolved by building it; the main
// module's version is read from the program's build information and
// becomes the pin, and later builds use the pinned version.
//
// A local package (./tools/gen, relative to the task file's folder) is
// keyed by the folder, the package and the toolchain key, and go/<key>.json
// records what the build was made from, as 'go list -deps' reported it:
// every file in the folder of every package it imports that is neither in
// the standard library nor in the module cache (so the project's own
// packages, vendored ones and local replacements), the folders of embedded
// files, the go.mod, go.sum and vendor/modules.txt of those packages'
// modules, the go.work in use (or, for each folder from the task file's
// up, that none exists), and that no go.mod appears between a package and
// its module root. Each file is recorded by identity and SHA-256, each
// folder by a digest of its names, so that a new .go file is noticed. A
// later Fetch compares them with stats and folder reads, hashing only a
// file whose identity changed, and starts no process while all hold.
// Packages in the module cache need no record: go.mod and go.sum fix
// their versions and hence their content. A record is kept only when
// nothing changed while the build ran.
//
// # url: sources
//
// The URL is fetched once (redirects followed, progress shown for
// downloads over a second) and verified against the task file's sha256
// before anything is kept. Without file: the payload is the program and
// must start with WebAssembly's magic bytes. With file: the payload is a
// .tar.gz, .tgz or .zip archive (told apart by content), kept under
// downloads/, and the program is that member (npm tarballs put everything
// under package/). [Fetcher.ArchiveDir] unpacks the archive once, refusing
// entries that would land outside its folder, symbolic links that lead out,
// hard links, devices, and more than 4 GiB or 100,000 entries.
//
// # The lock file
//
// wasmtasks.lock ([LockName]) sits beside the task file, in version
// control. For each component whose program comes from a source it
// records a [Pin]: the source, the reference as written, what it resolved
// to (module version; archive or program digest; manifest digest), the Go
// version that built a go: program, and the program's SHA-256. It is JSON
// with tabs and sorted keys, so the same lock is the same bytes and a
// changed pin is a small diff:
//
//	{
//		"version": 1,
//		"components": {
//			"yacc": {
//				"source": "go",
//				"ref": "golang.org/x/tools/cmd/goyacc@latest",
//				"resolved": "v0.52.0",
//				"go": "go1.26.8",
//				"sha256": "…"
//			}
//		}
//	}
//
// With a pin, Fetch refuses a program that differs from it, and a pin for
// another reference, with a [*MismatchError] that says to run
// 'wasmtasks lock'. A go: program rebuilt by another Go version has other
// bytes; that is not a mismatch (the module content is what the checksum
// database fixes), and the caller records the new pin. A local Go package
// is not pinned by digest: its sources are the project's, like a path:
// program's.
//
// Every error of the package reports exit status 2 and matches one of
// [ErrDownload], [ErrDigest], [ErrNotWasm], [ErrArchive], [ErrBuild],
// [ErrSpec] or [ErrLock] with errors.Is, or is a [*MismatchError].
package source
