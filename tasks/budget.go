package tasks

import (
	"context"
	"sync"
)

// budget is a weighted semaphore over bytes of memory limits, first come
// first served: a task that waits for a large share is not overtaken by
// smaller ones behind it, so it cannot starve. A nil budget grants all.
type budget struct {
	mu    sync.Mutex
	total int64
	used  int64
	queue []*budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

// newBudget returns a budget of total bytes, or nil (no budget) when total
// is not positive.
func newBudget(total int64) *budget {
	if total <= 0 {
		return nil
	}
	return &budget{total: total}
}

// acquire reserves n bytes, waiting its turn, and returns how much it
// reserved (to release). A request above the whole budget takes all of it,
// so that task runs alone rather than waiting forever.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	if b == nil || n <= 0 {
		return 0, nil
	}
	n = min(n, b.total)
	b.mu.Lock()
	if len(b.queue) == 0 && b.used+n <= b.total {
		b.used += n
		b.mu.Unlock()
		return n, nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.queue = append(b.queue, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return n, nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // granted meanwhile: give it back
		b.used -= n
	default:
		b.remove(w)
	}
	b.grant()
	return 0, ctx.Err()
}

// release returns n bytes and lets waiting tasks in, in order.
func (b *budget) release(n int64) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	b.grant()
}

// grant admits waiters from the head of the queue while they fit.
func (b *budget) grant() {
	for len(b.queue) > 0 && b.used+b.queue[0].n <= b.total {
		w := b.queue[0]
		b.queue = b.queue[1:]
		b.used += w.n
		close(w.ready)
	}
}

func (b *budget) remove(w *budgetWaiter) {
	for i, q := range b.queue {
		if q == w {
			b.queue = append(b.queue[:i], b.queue[i+1:]...)
			return
		}
	}
}

// defaultBudget is three quarters of the machine's physical memory, or 0
// (no budget) where that is unknown.
func defaultBudget() int64 {
	return physicalMemory() / 4 * 3
}
