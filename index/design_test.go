package index

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

type labelled struct {
	q     string
	slugs []string // right answers; empty for none
}

func readLabelled(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var it struct {
			Q      string   `json:"q"`
			Expect string   `json:"expect"`
			Slug   string   `json:"slug"`
			Alt    []string `json:"alt"`
		}
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		switch {
		case it.Expect == "answer":
			out = append(out, labelled{it.Q, []string{it.Slug}})
		case it.Expect != "uncovered" && it.Expect != "escalate" && it.Expect != "out_of_scope" && it.Expect != "smalltalk":
			out = append(out, labelled{it.Q, append([]string{it.Expect}, it.Alt...)})
		}
	}
	return out
}

// TestMatcherDesigns compares the candidate designs of the learned matcher with the earlier
// pipeline (Bleve plus a rerank over the articles' wording) by top-1 on the dev set, the real
// consultation questions and a held-out fold of the question bank (the matcher trained without
// it). It prints the table in docs/SEARCH.md; run with -v. It never reads the blind set.
func TestMatcherDesigns(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a measurement (go test ./index -run TestMatcherDesigns -v), too slow under -short or -race")
	}
	shared := testenv.SharedDir(t)
	as, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	norm, err := NewNormalizer()
	if err != nil {
		t.Fatal(err)
	}
	// Hold out fold 0 of the question bank from the index entirely.
	var heldOut []labelled
	for i := range as {
		as[i].Version = 1
		var keep []string
		for _, p := range as[i].Phrasings {
			h := fnv.New32a()
			h.Write([]byte(as[i].Slug + "\x00" + norm.Normalize(p)))
			if h.Sum32()%folds == 0 {
				heldOut = append(heldOut, labelled{p, []string{as[i].Slug}})
			} else {
				keep = append(keep, p)
			}
		}
		as[i].Phrasings = keep
	}
	ix, _, err := Open(t.TempDir(), norm, NewSynonyms(DefaultLexicon()), as)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.WaitCalibrated()
	sets := []struct {
		name  string
		items []labelled
	}{
		{"dev", readLabelled(t, filepath.Join(shared, "kb", "dev-questions.jsonl"))},
		{"real-dev", readLabelled(t, filepath.Join(shared, "kb", "real-dev.jsonl"))},
		{"bank fold", heldOut},
	}
	defer reliability(t, ix, sets[1:])
	designs := []string{"bleve+rerank (before)", "nearest phrasing", "centroid", "fused (chosen)"}
	t.Logf("| design | %s |", strings.Join([]string{sets[0].name, sets[1].name, sets[2].name}, " | "))
	for _, d := range designs {
		row := "| " + d + " |"
		for _, s := range sets {
			hit := 0
			for _, it := range s.items {
				if top := ix.topBy(d, it.q); top != "" && contains(it.slugs, top) {
					hit++
				}
			}
			row += " " + ratioStr(hit, len(s.items)) + " |"
		}
		t.Log(row)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func ratioStr(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

// topBy returns the best article for q by one design.
func (ix *Index) topBy(design, q string) string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := ix.norm.Normalize(q)
	exps := ix.syn.match(n)
	bl, _ := ix.bleveRerank(context.Background(), n, ix.queryTokens(n), exps, map[string]bool{})
	md := ix.model
	mq := md.m.prepare(n, exps)
	ms := md.m.score(mq, nil)
	best := func(key func(i int) float64) string {
		bi, bv := -1, 0.0
		for i := range ms {
			if v := key(i); v > bv {
				bi, bv = i, v
			}
		}
		if bi < 0 {
			return ""
		}
		return md.m.slugs[bi]
	}
	switch design {
	case "bleve+rerank (before)":
		type kv struct {
			s string
			v float64
		}
		var xs []kv
		for s, v := range bl {
			xs = append(xs, kv{s, v})
		}
		sort.Slice(xs, func(i, j int) bool { return xs[i].v > xs[j].v || xs[i].v == xs[j].v && xs[i].s < xs[j].s })
		if len(xs) == 0 {
			return ""
		}
		return xs[0].s
	case "nearest phrasing":
		return best(func(i int) float64 { return ms[i].knn1 })
	case "centroid":
		return best(func(i int) float64 { return ms[i].cen })
	}
	cs := md.rankScores(ms, md.blByIndex(bl), mq)
	if len(cs) == 0 {
		return ""
	}
	return md.m.slugs[cs[0].article]
}

// TestPrintFusion prints the fusion fitted on the whole seed and how long training took.
func TestPrintFusion(t *testing.T) {
	ix := SharedSeed(t)
	st := ix.TrainStats()
	t.Logf("training: %+v", st)
	t.Logf("  top: %+.3f %+.3f %+.3f", ix.model.f.top[0], ix.model.f.top[1], ix.model.f.top[2])
	for i, d := range defaultFusion.top {
		if w := ix.model.f.top[i]; math.Abs(d-w) > 0.05 {
			t.Errorf("defaultFusion top[%d] = %.3f, the seed fits %.3f: update defaultFusion", i, d, w)
		}
	}
	for i, w := range ix.model.f.w {
		t.Logf("  %-16s %+.3f", featureNames[i], w)
		// The default serves until the first calibration finishes, a second or two after start:
		// it must be the seed's fit, or answers change under the first users' feet.
		if d := defaultFusion.w[i]; math.Abs(d-w) > 0.05 {
			t.Errorf("defaultFusion %s = %.3f, the seed fits %.3f: update defaultFusion", featureNames[i], d, w)
		}
	}
}

// reliability prints how often the top article is right per band of its probability: the
// reliability table in docs/SEARCH.md.
func reliability(t *testing.T, ix *Index, sets []struct {
	name  string
	items []labelled
}) {
	bands := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001}
	for _, s := range sets {
		n := make([]int, len(bands)-1)
		right := make([]int, len(bands)-1)
		sum := make([]float64, len(bands)-1)
		for _, it := range s.items {
			r, err := ix.Search(context.Background(), it.q, 3)
			if err != nil || len(r.Hits) == 0 {
				continue
			}
			p := r.Hits[0].Score
			for b := range n {
				if p >= bands[b] && p < bands[b+1] {
					n[b]++
					sum[b] += p
					if contains(it.slugs, r.Hits[0].Article.Slug) {
						right[b]++
					}
				}
			}
		}
		t.Logf("reliability on %s: | p(top) | questions | mean p | share right |", s.name)
		for b := range n {
			if n[b] > 0 {
				t.Logf("| %.1f–%.1f | %d | %.2f | %.2f |", bands[b], min(1, bands[b+1]), n[b], sum[b]/float64(n[b]), float64(right[b])/float64(n[b]))
			}
		}
	}
}
