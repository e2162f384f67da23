package host

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
)

// The nodes a node has seen live are kept in its data directory, so that
// after a restart `status` still names the ones that are down. A node not
// seen for rosterTTL is forgotten: it was taken out of the cluster.
const (
	rosterFile  = "members.json"
	rosterTTL   = 7 * 24 * time.Hour
	rosterEvery = time.Minute // how often the last-seen times are saved
)

// loadSeen reads the nodes seen before this start from path, and saves
// them there from now on.
func (f *fleet) loadSeen(path string) error {
	f.mu.Lock()
	f.rosterPath = path
	f.mu.Unlock()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var seen map[string]cluster.Member
	if err := json.Unmarshal(b, &seen); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, m := range seen {
		if _, ok := f.seen[name]; !ok && name != f.node && time.Since(m.Updated) < rosterTTL {
			f.seen[name] = m
		}
	}
	return nil
}

// saveSeen writes the nodes seen, as last seen, where loadSeen read them.
func (f *fleet) saveSeen() error {
	f.mu.Lock()
	path := f.rosterPath
	b, err := json.Marshal(f.seen)
	f.mu.Unlock()
	if path == "" || err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
