package index

import (
	"os"
	"sync"
	"testing"

	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

// sharedSeed is one calibrated index over the seed, shared by the tests that only read from it:
// training and calibrating it takes seconds, and tens of seconds under the race detector.
var sharedSeed struct {
	once sync.Once
	ix   *Index
	err  error
}

// SharedSeed returns the shared seed index. Tests must not change it (no Upsert, no lexicon edits).
// It lives until the test binary exits.
func SharedSeed(t testing.TB) *Index {
	t.Helper()
	sharedSeed.once.Do(func() {
		as, err := kbfile.ReadFS(seed.FS(), ".")
		if err != nil {
			sharedSeed.err = err
			return
		}
		for i := range as {
			as[i].Version = 1
		}
		norm, err := NewNormalizer()
		if err != nil {
			sharedSeed.err = err
			return
		}
		dir, err := os.MkdirTemp("", "courtdesk-seed-index-")
		if err != nil {
			sharedSeed.err = err
			return
		}
		sharedSeed.ix, _, sharedSeed.err = Open(dir, norm, NewSynonyms(DefaultLexicon()), as)
		if sharedSeed.err == nil {
			sharedSeed.ix.WaitCalibrated()
		}
	})
	if sharedSeed.err != nil {
		t.Fatal(sharedSeed.err)
	}
	return sharedSeed.ix
}
