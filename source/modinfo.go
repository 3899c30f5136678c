package source

import (
	"bytes"
	"runtime/debug"
)

// The markers around the module information the go command links into
// every binary (cmd/go/internal/modload: infoStart, infoEnd). debug/buildinfo
// cannot read wasm files, but the text is there between these bytes.
var (
	modInfoStart = []byte("\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6")
	modInfoEnd   = []byte("\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2")
)

// mainModule returns the path and version of the main module linked into
// the Go program bin, or empty strings when it has none.
func mainModule(bin []byte) (path, version string) {
	_, rest, ok := bytes.Cut(bin, modInfoStart)
	if !ok {
		return "", ""
	}
	text, _, ok := bytes.Cut(rest, modInfoEnd)
	if !ok {
		return "", ""
	}
	bi, err := debug.ParseBuildInfo(string(text))
	if err != nil {
		return "", ""
	}
	return bi.Main.Path, bi.Main.Version
}
