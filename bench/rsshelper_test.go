package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the RSS helper, as the bench
// binary does.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == rssFlag {
		rssMain(os.Args[2:])
		return
	}
	os.Exit(m.Run())
}

// TestPeakRSSNotFlooredByBench holds 256 MiB in this process, then
// measures a child that needs a few MB: its peak must not include ours.
func TestPeakRSSNotFlooredByBench(t *testing.T) {
	ballast := make([]byte, 256<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	r, err := measured([]string{"true"})
	if err != nil {
		t.Fatal(err)
	}
	if r.rss == 0 || r.rss > 64<<20 {
		t.Errorf("peak RSS of `true` = %d bytes, want a few MB (more than 0, under 64 MiB)", r.rss)
	}
	t.Logf("peak RSS of `true`: %d KB; ballast %d", r.rss>>10, len(ballast))
}

// TestMeasuredKeepsExitStatus: a failing command is an error, with its
// RSS still measured.
func TestMeasuredKeepsExitStatus(t *testing.T) {
	r, err := measured([]string{"sh", "-c", "exit 3"})
	if err == nil || r.rss == 0 {
		t.Errorf("got rss %d, err %v; want an error and an RSS", r.rss, err)
	}
}

func TestScaleLine(t *testing.T) {
	n, m, ok := scaleLine("BenchmarkScale/n=5000-2   \t       1\t1683000000 ns/op\t         2.74 cpu-s/first\t         0.76 cpu-s/uptodate\t         1.68 s/first\t         0.75 s/uptodate\t       150.0 µs/task-uptodate")
	if !ok || n != 5000 || m["s/first"] != 1.68 || m["s/uptodate"] != 0.75 || m["µs/task-uptodate"] != 150 {
		t.Errorf("got %d %v %v", n, m, ok)
	}
	if _, _, ok := scaleLine("PASS"); ok {
		t.Error("PASS read as a benchmark line")
	}
}
