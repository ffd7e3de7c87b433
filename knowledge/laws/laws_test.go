package laws

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// The shipped texts are the shared reference texts byte for byte, under their official names.
func TestShippedTextsAreTheReferenceTexts(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t), "laws")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	shipped := FS()
	n := 0
	for _, e := range entries {
		if !statute.IsStatuteFile(e.Name()) {
			continue
		}
		n++
		want, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		got, err := fs.ReadFile(shipped, e.Name())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: not shipped as in the reference folder (%v)", e.Name(), err)
		}
	}
	all, _ := fs.ReadDir(shipped, ".")
	if n == 0 || len(all) != n {
		t.Fatalf("%d files shipped, %d reference texts", len(all), n)
	}
}

// Every document the seed knowledge base cites is shipped, and the shipped texts parse.
func TestSeedCitationsAreShipped(t *testing.T) {
	docs, err := statute.ParseFS(FS())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, d := range docs {
		have[statute.TitleKey(d.Title)] = true
	}
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string]bool{}
	for _, a := range articles {
		for _, text := range append([]string{a.Summary, a.Body}, a.LegalBasis...) {
			for _, c := range statute.Extract(text) {
				if c.Numbered() && !have[statute.TitleKey(c.Title)] {
					missing[c.Title] = true
				}
			}
		}
	}
	var list []string
	for m := range missing {
		list = append(list, m)
	}
	sort.Strings(list)
	t.Logf("%d documents shipped", len(docs))
	if len(list) > 0 {
		t.Errorf("cited by article number but not shipped: %v", list)
	}
}
