package tasks

import (
	"os"
	"runtime/pprof"
	"testing"
	"time"
)

func BenchmarkProfRightAfter(b *testing.B) {
	testEngine(b)
	f, _ := os.Create(os.Getenv("PROF"))
	var cpu, wall time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := scaleProject(b, 5000)
		runScale(b, dir, Ran)
		b.StartTimer()
		pprof.StartCPUProfile(f)
		c := cpuTime()
		wall += runScale(b, dir, UpToDate)
		cpu += cpuTime() - c
		pprof.StopCPUProfile()
		f, _ = os.Create(os.Getenv("PROF") + ".2")
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/op")
}
