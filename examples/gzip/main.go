// Command gzip compresses every file of a folder into another folder, the
// asset step of the example pipeline. It is a Go program built with
// GOOS=wasip1 GOARCH=wasm and runs as a WASI preview1 module: Go programs
// wrapped into components with the preview1 adapter crash once their heap
// grows, so Go runs as modules (or use TinyGo's wasip2 target).
//
//	gzip SRC DST
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gzip SRC DST")
		os.Exit(2)
	}
	if err := compressAll(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gzip:", err)
		os.Exit(1)
	}
}

func compressAll(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		in, out := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()+".gz")
		before, after, err := compress(in, out)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d -> %d bytes\n", e.Name(), before, after)
	}
	return nil
}

func compress(in, out string) (before, after int64, err error) {
	r, err := os.Open(in)
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	w, err := os.Create(out)
	if err != nil {
		return 0, 0, err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return 0, 0, err
	}
	zw.Name = filepath.Base(in)
	before, err = io.Copy(zw, r)
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		after, err = w.Seek(0, io.SeekCurrent)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return before, after, err
}
