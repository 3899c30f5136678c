package sha256hex

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	good := hex.EncodeToString(sum[:])
	if !Valid(good) {
		t.Errorf("%s refused", good)
	}
	for _, bad := range []string{"", good[1:], good + "0", strings.ToUpper(good), good[:63] + "g", "sha256:" + good} {
		if Valid(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
