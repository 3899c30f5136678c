package tasks

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"testing"
)

// maxOverlap returns how many of the intervals were open at once at most,
// and which tasks overlapped the task alone.
func maxOverlap(iv map[string][2]int64) int {
	type edge struct {
		at    int64
		delta int
	}
	var edges []edge
	for _, v := range iv {
		edges = append(edges, edge{v[0], 1}, edge{v[1], -1})
	}
	// Ends sort before starts at the same instant: touching is not overlap.
	sort.Slice(edges, func(i, j int) bool {
		return edges[i].at < edges[j].at || edges[i].at == edges[j].at && edges[i].delta < edges[j].delta
	})
	n, most := 0, 0
	for _, e := range edges {
		n += e.delta
		most = max(most, n)
	}
	return most
}

// TestMemoryBudgetLimitsParallelTasks: four tasks capped at 64 MiB under a
// 128 MiB budget run at most two at a time, although -j allows four; a
// task capped above the whole budget runs alone instead of waiting forever.
func TestMemoryBudgetLimitsParallelTasks(t *testing.T) {
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE, memory: 64MiB}
tasks:
  a: {component: probe, args: [interval, "300"]}
  b: {component: probe, args: [interval, "300"]}
  c: {component: probe, args: [interval, "300"]}
  d: {component: probe, args: [interval, "300"]}
  big: {component: probe, args: [interval, "300"], memory: 1GiB}
`)
	o := runTasks(t, p, Options{Jobs: 4, MemoryBudget: 128 << 20})
	if o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	iv := intervals(t, o.stdout)
	if len(iv) != 5 {
		t.Fatalf("got the intervals of %d tasks, want 5:\n%s", len(iv), o.stdout)
	}
	big := iv["big"]
	delete(iv, "big")
	most := maxOverlap(iv)
	t.Logf("at most %d of the 64 MiB tasks ran at once", most)
	if most > 2 {
		t.Errorf("%d tasks of 64 MiB ran at once under a 128 MiB budget", most)
	}
	for name, v := range iv {
		if v[0] < big[1] && big[0] < v[1] {
			t.Errorf("task %s ran alongside the task capped above the budget", name)
		}
	}
}

// TestBudgetCancelledWaiterLeavesTheQueue: a task cancelled while it waits
// for memory gives up its place, and the tasks behind it go ahead.
func TestBudgetCancelledWaiterLeavesTheQueue(t *testing.T) {
	b := newBudget(100)
	held, _ := b.acquire(context.Background(), 60)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := b.acquire(ctx, 80) // waits: 60 + 80 > 100
		errc <- err
	}()
	got := make(chan int64, 1)
	for {
		b.mu.Lock()
		queued := len(b.queue)
		b.mu.Unlock()
		if queued == 1 {
			break
		}
		runtime.Gosched()
	}
	go func() {
		n, _ := b.acquire(context.Background(), 30) // behind the 80: waits its turn
		got <- n
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if n := <-got; n != 30 {
		t.Fatalf("the task behind got %d", n)
	}
	b.release(held)
	b.release(30)
	if b.used != 0 || len(b.queue) != 0 {
		t.Errorf("used %d, %d queued; want an empty budget", b.used, len(b.queue))
	}
}
