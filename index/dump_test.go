package index_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// TestDumpAnswers writes, for every question of the seed's question bank, the shared dev sets
// and the package's test sets, everything the search and the engine decide (ranked hits,
// internal scores to 1e-9, intent, passage, answer) to the file named by COURTDESK_DUMP. A change
// meant only to make the search cheaper must leave that file byte for byte the same.
//
// The index lives in COURTDESK_DUMP_DIR and is reused by later runs: two builds of the same
// articles may number Bleve's documents differently (which breaks score ties at the candidate
// cut-off differently) and calibrations differ in the last digits, so the builds compared must
// read one index and one saved matcher:
//
//	COURTDESK_DUMP_DIR=/tmp/dumpidx COURTDESK_DUMP=/tmp/before.txt go test ./index -run TestDumpAnswers   (old build)
//	COURTDESK_DUMP_DIR=/tmp/dumpidx COURTDESK_DUMP=/tmp/after.txt go test ./index -run TestDumpAnswers    (new build)
//	cmp /tmp/before.txt /tmp/after.txt
//
// COURTDESK_DUMP_SYNTHETIC=n adds the dev questions over n generated articles (uncalibrated), to
// cover the paths only a large base takes.
func TestDumpAnswers(t *testing.T) {
	out, dir := os.Getenv("COURTDESK_DUMP"), os.Getenv("COURTDESK_DUMP_DIR")
	if out == "" || dir == "" {
		t.Skip("COURTDESK_DUMP and COURTDESK_DUMP_DIR not set")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()

	var qs []string
	as := seedArticles(t)
	for _, a := range as {
		qs = append(qs, a.Title)
		qs = append(qs, a.Questions...)
		qs = append(qs, a.Phrasings...)
	}
	shared := testenv.SharedDir(t)
	for _, p := range []string{
		filepath.Join(shared, "kb", "dev-questions.jsonl"), filepath.Join(shared, "kb", "real-dev.jsonl"),
		filepath.Join("testdata", "heldout.jsonl"), filepath.Join("testdata", "tuning.jsonl"),
		filepath.Join("testdata", "narrative.jsonl"), filepath.Join("testdata", "blind.jsonl"),
	} {
		for _, it := range loadJSONL(t, p) {
			qs = append(qs, it.Q)
		}
	}
	norm, err := index.NewNormalizer()
	if err != nil {
		t.Fatal(err)
	}
	ix, st, err := index.Open(filepath.Join(dir, "seed"), norm, index.NewSynonyms(index.DefaultLexicon()), as)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.WaitCalibrated()
	t.Logf("seed index: %+v", st)
	dump(t, w, "seed", ix, answer.New(ix, ix, ix, answer.DefaultConfig()), qs)

	if n := os.Getenv("COURTDESK_DUMP_SYNTHETIC"); n != "" {
		var k int
		if _, err := fmt.Sscan(n, &k); err != nil {
			t.Fatal(err)
		}
		big, st, err := index.Open(filepath.Join(dir, "synthetic-"+n), norm, index.NewSynonyms(index.DefaultLexicon()), synthetic(as, k), index.WithoutCalibration())
		if err != nil {
			t.Fatal(err)
		}
		defer big.Close()
		t.Logf("synthetic index: %+v", st)
		var dev []string
		for _, it := range loadDev(t) {
			dev = append(dev, it.Q)
		}
		dump(t, w, "synthetic", big, answer.New(big, big, big, answer.DefaultConfig()), dev)
	}
}

func dump(t *testing.T, w *bufio.Writer, name string, ix *index.Index, eng *answer.Engine, qs []string) {
	ctx := context.Background()
	for i, q := range qs {
		fmt.Fprintf(w, "=== %s %d\n", name, i)
		w.WriteString(ix.DumpInternals(q))
		sr, err := ix.Search(ctx, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range sr.Hits {
			fmt.Fprintf(w, "hit %s %.3f passage %q %q\n", h.Article.Slug, h.Score, h.Passage.Heading, h.Passage.Text)
		}
		fmt.Fprintf(w, "terms %s\nnorm %s\n", strings.Join(sr.Terms, " "), sr.Normalized)
		for j, h := range sr.Hits {
			if j == 3 {
				break
			}
			p := ix.Passage(q, h.Article.Slug)
			fmt.Fprintf(w, "passage %s %q %q\n", h.Article.Slug, p.Heading, p.Text)
		}
		fmt.Fprintf(w, "keyterms %s\nanalyze %s\ntopics %s\n", strings.Join(ix.KeyTerms(q), " "),
			strings.Join(ix.Analyze(q), " "), strings.Join(ix.TopicTerms(q), " "))
		res, err := eng.Ask(ctx, q)
		if err != nil {
			fmt.Fprintf(w, "ask error %v\n", err)
			continue
		}
		js, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "ask %s\n", js)
	}
}
