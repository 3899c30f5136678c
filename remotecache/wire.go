package remotecache

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The protobuf wire format, the part an ActionResult needs: tags, varints
// and length-delimited values, written and read. It is a few lines of
// encoding/binary; the protobuf module would do it too, but linking it
// costs every wasmtasks process a hash of its own executable at start-up
// (its internal/detrand), remote cache or not.

// wireNumber is a field number, wireType how its value is encoded.
type (
	wireNumber int32
	wireType   int8
)

const (
	varintType  wireType = 0
	fixed64Type wireType = 1
	bytesType   wireType = 2
	fixed32Type wireType = 5
	// 3 and 4 start and end a group, which proto3 (and so REAPI) never
	// writes: refused.

	maxFieldNumber = 1<<29 - 1
)

var errWire = errors.New("malformed protobuf")

func appendTag(b []byte, num wireNumber, typ wireType) []byte {
	return binary.AppendUvarint(b, uint64(num)<<3|uint64(typ))
}

func appendVarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendBytes(b, v []byte) []byte { return append(binary.AppendUvarint(b, uint64(len(v))), v...) }

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// consumeVarint reads a varint at the start of b and returns it and its
// length.
func consumeVarint(b []byte) (uint64, int, error) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, fmt.Errorf("%w: a varint is cut short or over 64 bits", errWire)
	}
	return v, n, nil
}

// consumeTag reads a field's tag.
func consumeTag(b []byte) (wireNumber, wireType, int, error) {
	v, n, err := consumeVarint(b)
	if err != nil {
		return 0, 0, 0, err
	}
	num := v >> 3
	if num < 1 || num > maxFieldNumber {
		return 0, 0, 0, fmt.Errorf("%w: field number %d", errWire, num)
	}
	return wireNumber(num), wireType(v & 7), n, nil
}

// consumeBytes reads a length-delimited value.
func consumeBytes(b []byte) ([]byte, int, error) {
	l, n, err := consumeVarint(b)
	if err != nil {
		return nil, 0, err
	}
	if l > uint64(len(b)-n) {
		return nil, 0, fmt.Errorf("%w: a value of %d bytes in %d", errWire, l, len(b)-n)
	}
	return b[n : n+int(l)], n + int(l), nil
}

// skipValue returns the length of a value of type typ at the start of b.
func skipValue(typ wireType, b []byte) (int, error) {
	var n int
	switch typ {
	case varintType:
		_, m, err := consumeVarint(b)
		return m, err
	case bytesType:
		_, m, err := consumeBytes(b)
		return m, err
	case fixed32Type:
		n = 4
	case fixed64Type:
		n = 8
	default:
		return 0, fmt.Errorf("%w: wire type %d", errWire, typ)
	}
	if len(b) < n {
		return 0, fmt.Errorf("%w: a fixed-size value is cut short", errWire)
	}
	return n, nil
}
