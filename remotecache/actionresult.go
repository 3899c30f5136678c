package remotecache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/wasmtasks/wasmtasks/internal/sha256hex"
)

// Digest names a blob of the content-addressable store: the SHA-256 of
// its bytes (64 lowercase hex digits) and its size. The zero value names
// no blob.
type Digest struct {
	Hash string
	Size int64
}

// DigestOf returns the digest of b.
func DigestOf(b []byte) Digest {
	h := sha256.Sum256(b)
	return Digest{Hash: hex.EncodeToString(h[:]), Size: int64(len(b))}
}

// IsZero reports whether d names no blob.
func (d Digest) IsZero() bool { return d.Hash == "" }

// valid reports whether d could name a blob this client would read.
func (d Digest) valid() bool { return sha256hex.Valid(d.Hash) && d.Size >= 0 && d.Size <= MaxBlobBytes }

// ActionResult is what the action cache holds for a key: the REAPI
// message build.bazel.remote.execution.v2.ActionResult, of which only the
// fields wasmtasks uses are kept. Files and streams are in the CAS, named
// by digest.
type ActionResult struct {
	OutputFiles []OutputFile
	ExitCode    int32
	// Stdout and Stderr name the blobs of the recorded streams; zero when
	// a stream was empty.
	Stdout, Stderr Digest
}

// MaxResultBytes bounds the bytes of the distinct blobs one result names
// ([ActionResult.BlobBytes]): what a caller holds in memory to restore
// it, or queues to upload it. A result that names more is not used: a
// hostile server could otherwise name 100,000 blobs of 1 GiB each.
const MaxResultBytes = 512 << 20

// BlobBytes returns the bytes of the distinct blobs r names, by their
// digests' sizes.
func (r *ActionResult) BlobBytes() int64 {
	seen := map[Digest]bool{}
	var n int64
	for _, d := range append([]Digest{r.Stdout, r.Stderr}, r.outputDigests()...) {
		if !d.IsZero() && !seen[d] {
			seen[d] = true
			n += d.Size
		}
	}
	return n
}

func (r *ActionResult) outputDigests() []Digest {
	ds := make([]Digest, len(r.OutputFiles))
	for i, f := range r.OutputFiles {
		ds[i] = f.Digest
	}
	return ds
}

// OutputFile is one file an action wrote: REAPI's OutputFile.
type OutputFile struct {
	// Path is relative and slash-separated. It comes from the cache: the
	// caller decides where, if anywhere, it may be written.
	Path       string
	Digest     Digest
	Executable bool
}

// Field numbers of the REAPI messages (remote_execution.proto, v2).
const (
	fieldResultOutputFiles = 2
	fieldResultExitCode    = 4
	fieldResultStdout      = 6
	fieldResultStderr      = 8
	fieldResultMetadata    = 9

	fieldFilePath       = 1
	fieldFileDigest     = 2
	fieldFileExecutable = 4

	fieldDigestHash = 1
	fieldDigestSize = 2

	fieldMetadataWorker = 1
)

// worker is the ExecutedActionMetadata.worker of every result this client
// writes: the REAPI asks for one non-default field so that no result is
// empty bytes.
const worker = "wasmtasks"

// Marshal encodes r as the REAPI protobuf, fields in number order and
// default values left out, so that equal results encode to equal bytes.
func (r *ActionResult) Marshal() []byte {
	var b []byte
	for _, f := range r.OutputFiles {
		b = appendTag(b, fieldResultOutputFiles, bytesType)
		b = appendBytes(b, f.marshal())
	}
	if r.ExitCode != 0 {
		b = appendTag(b, fieldResultExitCode, varintType)
		b = appendVarint(b, uint64(int64(r.ExitCode)))
	}
	b = appendDigest(b, fieldResultStdout, r.Stdout)
	b = appendDigest(b, fieldResultStderr, r.Stderr)
	var meta []byte
	meta = appendTag(meta, fieldMetadataWorker, bytesType)
	meta = appendString(meta, worker)
	b = appendTag(b, fieldResultMetadata, bytesType)
	return appendBytes(b, meta)
}

func (f OutputFile) marshal() []byte {
	var b []byte
	b = appendTag(b, fieldFilePath, bytesType)
	b = appendString(b, f.Path)
	// An empty file still has a digest: the REAPI requires one.
	b = appendTag(b, fieldFileDigest, bytesType)
	b = appendBytes(b, f.Digest.marshal())
	if f.Executable {
		b = appendTag(b, fieldFileExecutable, varintType)
		b = appendVarint(b, 1)
	}
	return b
}

func appendDigest(b []byte, num wireNumber, d Digest) []byte {
	if d.IsZero() {
		return b
	}
	b = appendTag(b, num, bytesType)
	return appendBytes(b, d.marshal())
}

func (d Digest) marshal() []byte {
	var b []byte
	b = appendTag(b, fieldDigestHash, bytesType)
	b = appendString(b, d.Hash)
	if d.Size != 0 {
		b = appendTag(b, fieldDigestSize, varintType)
		b = appendVarint(b, uint64(d.Size))
	}
	return b
}

// ErrBadResult is wrapped by the error of [UnmarshalActionResult] for
// bytes that are not an ActionResult this client can use.
var ErrBadResult = errors.New("not a usable ActionResult")

// maxOutputFiles bounds the files one result may name.
const maxOutputFiles = 100_000

// UnmarshalActionResult decodes an ActionResult, as another client or a
// hostile server may have written it: unknown fields are skipped, and a
// malformed message, a field of the wrong wire type, a digest that is not
// SHA-256 or too large, or an output file without a path or digest is an
// error matching [ErrBadResult].
func UnmarshalActionResult(b []byte) (*ActionResult, error) {
	r := &ActionResult{}
	err := walk(b, func(num wireNumber, typ wireType, v []byte, n uint64) error {
		switch num {
		case fieldResultOutputFiles, fieldResultStdout, fieldResultStderr:
			if err := checkType(num, typ, bytesType); err != nil {
				return err
			}
		case fieldResultExitCode:
			if err := checkType(num, typ, varintType); err != nil {
				return err
			}
		}
		switch num {
		case fieldResultOutputFiles:
			if len(r.OutputFiles) == maxOutputFiles {
				return fmt.Errorf("more than %d output files", maxOutputFiles)
			}
			f, err := unmarshalFile(v)
			r.OutputFiles = append(r.OutputFiles, f)
			return err
		case fieldResultExitCode:
			r.ExitCode = int32(n)
		case fieldResultStdout:
			return unmarshalDigest(v, &r.Stdout)
		case fieldResultStderr:
			return unmarshalDigest(v, &r.Stderr)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResult, err)
	}
	return r, nil
}

func unmarshalFile(b []byte) (OutputFile, error) {
	var f OutputFile
	err := walk(b, func(num wireNumber, typ wireType, v []byte, n uint64) error {
		switch num {
		case fieldFilePath:
			f.Path = string(v)
			return checkType(num, typ, bytesType)
		case fieldFileDigest:
			if err := checkType(num, typ, bytesType); err != nil {
				return err
			}
			return unmarshalDigest(v, &f.Digest)
		case fieldFileExecutable:
			f.Executable = n != 0
			return checkType(num, typ, varintType)
		}
		return nil
	})
	switch {
	case err != nil:
		return f, err
	case f.Path == "":
		return f, errors.New("an output file without a path")
	case f.Digest.IsZero():
		return f, fmt.Errorf("output file %q has no digest", f.Path)
	}
	return f, nil
}

func unmarshalDigest(b []byte, d *Digest) error {
	err := walk(b, func(num wireNumber, typ wireType, v []byte, n uint64) error {
		switch num {
		case fieldDigestHash:
			d.Hash = string(v)
			return checkType(num, typ, bytesType)
		case fieldDigestSize:
			d.Size = int64(n)
			return checkType(num, typ, varintType)
		}
		return nil
	})
	if err == nil && !d.valid() {
		err = fmt.Errorf("digest %.80q/%d is not a SHA-256 of a blob of at most %d bytes", d.Hash, d.Size, int64(MaxBlobBytes))
	}
	return err
}

// checkType checks that a known field came with the wire type its
// declaration gives it.
func checkType(num wireNumber, got, want wireType) error {
	if got != want {
		return fmt.Errorf("field %d has wire type %d, want %d", num, got, want)
	}
	return nil
}

// walk calls field for each field of the message b: v holds a
// length-delimited value, n a varint. Fields of other wire types are
// skipped.
func walk(b []byte, field func(num wireNumber, typ wireType, v []byte, n uint64) error) error {
	for len(b) > 0 {
		num, typ, tagLen, err := consumeTag(b)
		if err != nil {
			return err
		}
		b = b[tagLen:]
		var v []byte
		var n uint64
		var m int
		switch typ {
		case bytesType:
			v, m, err = consumeBytes(b)
		case varintType:
			n, m, err = consumeVarint(b)
		default:
			if m, err = skipValue(typ, b); err != nil {
				return err
			}
			b = b[m:]
			continue
		}
		if err != nil {
			return err
		}
		b = b[m:]
		if err := field(num, typ, v, n); err != nil {
			return err
		}
	}
	return nil
}
