// Command lz compresses a file with the LZ77 of guests/c/lz.c.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: lz IN OUT")
		os.Exit(2)
	}
	in, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := compress(in)
	if err := os.WriteFile(os.Args[2], out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d -> %d bytes\n", len(in), len(out))
}

func putLen(out []byte, n int) []byte {
	for ; n >= 255; n -= 255 {
		out = append(out, 255)
	}
	return append(out, byte(n))
}

func token(lit, match int) byte {
	return byte(min(lit, 15)<<4 | min(match, 15))
}

func compress(in []byte) []byte {
	var table [1 << 16]uint32
	out := make([]byte, 0, len(in)+len(in)/255+64)
	anchor, i := 0, 0
	for i+8 < len(in) {
		seq := binary.LittleEndian.Uint32(in[i:])
		h := (seq * 2654435761) >> 16
		cand := int(table[h])
		table[h] = uint32(i)
		if cand < i && i-cand < 65536 && binary.LittleEndian.Uint32(in[cand:]) == seq {
			n := 4
			for i+n < len(in) && in[cand+n] == in[i+n] && n < 65535 {
				n++
			}
			lit := i - anchor
			out = append(out, token(lit, n-4))
			if lit >= 15 {
				out = putLen(out, lit-15)
			}
			out = append(out, in[anchor:i]...)
			out = append(out, byte(i-cand), byte((i-cand)>>8))
			if n-4 >= 15 {
				out = putLen(out, n-4-15)
			}
			i += n
			anchor = i
		} else {
			i++
		}
	}
	lit := len(in) - anchor
	out = append(out, token(lit, 0))
	if lit >= 15 {
		out = putLen(out, lit-15)
	}
	return append(out, in[anchor:]...)
}
