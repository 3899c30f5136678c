package store

// Listed is one entry of the store, for reports of what takes space.
type Listed struct {
	// Name is the entry's key, its files' name without the extension.
	Name string
	// Bytes is the size of its code and checksum files.
	Bytes int64
}

// Entries lists the store's entries, least recently used first.
func (c *Store) Entries() ([]Listed, error) {
	list, err := c.list()
	out := make([]Listed, len(list))
	for i, e := range list {
		out[i] = Listed{Name: e.key, Bytes: e.bytes}
	}
	return out, err
}

// Layout is the name of the folder under the store's root that holds the
// entries.
func Layout() string { return layout }
