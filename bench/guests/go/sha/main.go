// Command sha computes the SHA-256 of MiB mebibytes of deterministic bytes
// it generates itself (xorshift32), like guests/c/sha.c.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
)

func main() {
	mib := 256
	if len(os.Args) > 1 {
		mib, _ = strconv.Atoi(os.Args[1])
	}
	buf := make([]byte, 1<<20)
	h := sha256.New()
	x := uint32(2463534242)
	for range mib {
		for i := 0; i < len(buf); i += 4 {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			binary.LittleEndian.PutUint32(buf[i:], x)
		}
		h.Write(buf)
	}
	fmt.Printf("%x\n", h.Sum(nil))
}
