package lazyre

import "testing"

func TestLazyRegexp(t *testing.T) {
	r := New(`^a+$`)
	if r.String() != `^a+$` || !r.MatchString("aaa") || r.MatchString("ab") {
		t.Fatal("lazyre does not match as regexp does")
	}
}

// TestBadPatternPanicsOnUse: a broken pattern is found when first used,
// as loudly as regexp.MustCompile would have found it at start-up.
func TestBadPatternPanicsOnUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Fatal("a pattern that does not compile did not panic")
		}
	}()
	r.MatchString("x")
}
