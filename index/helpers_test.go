package index_test

import (
	"testing"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

func seedArticles(t testing.TB) []knowledge.Article {
	t.Helper()
	as, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for i := range as {
		as[i].Version = 1
	}
	return as
}

func openIndex(t testing.TB, dir string, as []knowledge.Article) *index.Index {
	t.Helper()
	norm, err := index.NewNormalizer()
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := index.Open(dir, norm, index.NewSynonyms(index.DefaultLexicon()), as)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ix.WaitCalibrated()
	return ix
}

// seedEngine is the engine over the shared, calibrated seed index; tests must only read from it.
func seedEngine(t testing.TB) (*answer.Engine, *index.Index) {
	t.Helper()
	ix := index.SharedSeed(t)
	return answer.New(ix, ix, ix, answer.DefaultConfig()), ix
}
