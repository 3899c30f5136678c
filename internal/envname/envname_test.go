package envname

import "testing"

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"A": true, "_x9": true, "PATH": true, "": false, "9A": false, "D E": false, "A=B": false, "Ä": false, "a-b": false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}
