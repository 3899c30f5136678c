// Package bytesize parses and formats sizes such as 512MiB and 1GiB, the
// way wasmtasks writes memory limits and store caps.
package bytesize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var units = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
	{"B", 1},
}

// Parse reads a size: a whole number of bytes, or a number (fractions
// allowed) with one of the suffixes KiB, MiB, GiB, TiB (powers of 1024),
// KB, MB, GB, TB (powers of 1000), or K, M, G, T (taken as powers of 1024).
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	factor := int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(t, u.suffix); ok {
			t, factor = strings.TrimSpace(n), u.factor
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" || strings.ContainsAny(t, "eExXpPnN_+") {
		return 0, fmt.Errorf("invalid size %q: write a number with a unit, like 512MiB or 2GiB", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("invalid size %q: sizes cannot be negative", s)
	}
	b := v * float64(factor)
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return int64(b), nil
}

// Format writes n bytes in the largest binary unit that keeps one decimal,
// such as 1.5 GiB or 312 KiB.
func Format(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + string("KMGT"[exp]) + "iB"
}
