package remotecache

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Bounds of the upload queue: what waits in memory for the background
// uploaders. An upload that does not fit is dropped (and warned of once):
// the next run uploads it again.
const (
	maxQueuedUploads = 256
	maxQueuedBytes   = MaxResultBytes // one result of the largest size fits
	uploaders        = 2
)

// DefaultDrain is how long [Client.Close] waits for queued uploads when
// given no other bound.
const DefaultDrain = 30 * time.Second

// upload is one action's blobs, then its action-cache entry: the entry is
// written only once every blob it names is.
type upload struct {
	key    string // "" for blobs alone
	result []byte
	blobs  [][]byte
	size   int64
}

// uploader runs the background uploads of a client.
type uploader struct {
	c      *Client
	queue  chan upload
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	bytes   int64 // bytes queued or being sent
	pending int   // uploads queued or being sent
	closed  bool
}

func newUploader(c *Client) *uploader {
	u := &uploader{c: c, queue: make(chan upload, maxQueuedUploads)}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	if c.readOnly {
		return u
	}
	for range uploaders {
		u.wg.Go(u.work)
	}
	return u
}

// Upload queues blobs and then, once they are stored, the action-cache
// entry result under key (64 hex digits); an empty key uploads the blobs
// alone. It returns at once: the uploads run in the background, and Close
// waits for them. A read-only client does nothing. An upload that fails,
// or that finds the queue full, is dropped with the run's one warning.
func (c *Client) Upload(key string, result *ActionResult, blobs ...[]byte) {
	if c.readOnly || c.down.Load() {
		return
	}
	up := upload{key: key, blobs: blobs}
	if result != nil {
		up.result = result.Marshal()
	}
	for _, b := range blobs {
		up.size += int64(len(b))
	}
	up.size += int64(len(up.result))
	if err := c.uploads.add(up); err != nil {
		c.fault(err, false)
	}
}

func (u *uploader) add(up upload) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return nil // the run is over: nothing more is shared
	}
	if u.bytes+up.size > maxQueuedBytes {
		return fmt.Errorf("upload queue holds %d MiB already; an upload of %d bytes dropped", u.bytes>>20, up.size)
	}
	select {
	case u.queue <- up:
		u.bytes += up.size
		u.pending++
		return nil
	default:
		return fmt.Errorf("upload queue full (%d uploads); one dropped", maxQueuedUploads)
	}
}

func (u *uploader) work() {
	for up := range u.queue {
		if err := u.send(up); err != nil {
			u.c.fault(fmt.Errorf("upload: %w", err), serverFault(err))
		}
		u.mu.Lock()
		u.bytes -= up.size
		u.pending--
		u.mu.Unlock()
	}
}

// send stores the blobs, then the entry; it gives up on the first error
// and when the client is down.
func (u *uploader) send(up upload) error {
	for _, b := range up.blobs {
		if u.c.down.Load() || u.ctx.Err() != nil {
			return nil
		}
		if err := u.c.put(u.ctx, "cas", DigestOf(b).Hash, b); err != nil {
			return err
		}
	}
	if up.key == "" || u.c.down.Load() || u.ctx.Err() != nil {
		return nil
	}
	return u.c.put(u.ctx, "ac", up.key, up.result)
}

// Flush waits up to wait (0 means [DefaultDrain]) for the uploads queued
// so far, and returns how many were still queued or under way when it
// stopped waiting: at the end of a run, so that what the run made is
// shared before the process exits.
func (c *Client) Flush(wait time.Duration) (pending int) {
	if wait <= 0 {
		wait = DefaultDrain
	}
	deadline := time.Now().Add(wait)
	for {
		c.uploads.mu.Lock()
		pending = c.uploads.pending
		c.uploads.mu.Unlock()
		if pending == 0 || time.Now().After(deadline) {
			return pending
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Close waits up to wait (0 means [DefaultDrain]) for the queued uploads
// ([Client.Flush]), then stops what is left, with a warning. It returns
// how many uploads it stopped. The client sends nothing after Close.
func (c *Client) Close(wait time.Duration) (abandoned int) {
	u := c.uploads
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return 0
	}
	u.closed = true
	u.mu.Unlock()
	abandoned = c.Flush(wait)
	c.down.Store(true)
	u.cancel()
	close(u.queue)
	u.wg.Wait()
	if abandoned > 0 {
		c.fault(fmt.Errorf("uploads unfinished after %v; %d stopped", wait, abandoned), false)
	}
	return abandoned
}
