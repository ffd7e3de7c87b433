package index_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

type devItem struct {
	Q      string   `json:"q"`
	Expect string   `json:"expect"`
	Slug   string   `json:"slug"`
	Alt    []string `json:"alt"`
	Why    string   `json:"why"`
}

func loadDev(t testing.TB) []devItem {
	t.Helper()
	return loadJSONL(t, filepath.Join(testenv.SharedDir(t), "kb", "dev-questions.jsonl"))
}

func loadJSONL(t testing.TB, path string) []devItem {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []devItem
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var it devItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		// real-dev.jsonl labels an item with its slug, or "uncovered", in expect.
		switch it.Expect {
		case "answer", "escalate", "out_of_scope", "smalltalk":
		case "uncovered":
			it.Expect = "uncovered"
		default:
			it.Slug, it.Expect = it.Expect, "answer"
		}
		out = append(out, it)
	}
	return out
}

// quality holds the dev-set figures the foundation issue sets floors for.
type quality struct {
	answerN, top1, top3, answered, falseEsc int
	pending                                 []string // answer items whose topic has no article yet
	escN, escHit, escReason                 int
	oosN, oosHit, stN, stHit                int
	answeredWrong, clarifiedRight           int
	uncN, uncHandled                        int // uncovered items not answered from an article
	misses                                  []string
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func evaluate(t *testing.T, eng *answer.Engine, has func(string) bool, items []devItem) quality {
	t.Helper()
	var q quality
	ctx := context.Background()
	for _, it := range items {
		res, err := eng.Ask(ctx, it.Q)
		if err != nil {
			t.Fatalf("ask %q: %v", it.Q, err)
		}
		got := make([]string, 0, 3)
		for i, s := range res.Sources {
			if i == 3 {
				break
			}
			got = append(got, s.Slug)
		}
		switch it.Expect {
		case "answer":
			if !has(it.Slug) {
				q.pending = append(q.pending, it.Slug)
				continue
			}
			q.answerN++
			right := func(s string) bool { return s == it.Slug || slices.Contains(it.Alt, s) }
			if res.Intent == answer.IntentClarify {
				for _, o := range res.Options {
					if right(o.Slug) {
						q.clarifiedRight++
						break
					}
				}
			}
			if res.Intent == answer.IntentAnswer && len(got) > 0 && !right(got[0]) {
				q.answeredWrong++
			}
			if len(got) > 0 && right(got[0]) {
				q.top1++
				if res.Intent == answer.IntentAnswer {
					q.answered++
				}
			} else {
				q.misses = append(q.misses, fmt.Sprintf("top1 %s: %q → %v (%s %.2f)", it.Slug, it.Q, got, res.Intent, res.Confidence))
			}
			for _, s := range got {
				if right(s) {
					q.top3++
					break
				}
			}
			if res.Intent == answer.IntentEscalate {
				q.falseEsc++
				q.misses = append(q.misses, fmt.Sprintf("false escalation %s (%s): %q", it.Slug, res.Escalation.Reason, it.Q))
			} else if res.Intent != answer.IntentAnswer && res.Intent != answer.IntentClarify {
				q.misses = append(q.misses, fmt.Sprintf("not answered %s (%s %.2f): %q", it.Slug, res.Intent, res.Confidence, it.Q))
			}
		case "escalate":
			q.escN++
			if res.Intent == answer.IntentEscalate {
				q.escHit++
				if string(res.Escalation.Reason) == it.Why {
					q.escReason++
				} else {
					q.misses = append(q.misses, fmt.Sprintf("escalation reason %s, want %s: %q", res.Escalation.Reason, it.Why, it.Q))
				}
			} else {
				q.misses = append(q.misses, fmt.Sprintf("not escalated (%s, want %s, conf %.2f %v): %q", res.Intent, it.Why, res.Confidence, got, it.Q))
			}
		case "uncovered":
			q.uncN++
			if res.Intent != answer.IntentAnswer {
				q.uncHandled++
			} else {
				q.misses = append(q.misses, fmt.Sprintf("uncovered answered %v (%.2f): %q", got, res.Confidence, it.Q))
			}
		case "out_of_scope":
			q.oosN++
			if res.Intent == answer.IntentOutOfScope {
				q.oosHit++
			} else {
				q.misses = append(q.misses, fmt.Sprintf("out_of_scope got %s (%.2f %v): %q", res.Intent, res.Confidence, got, it.Q))
			}
		case "smalltalk":
			q.stN++
			if res.Intent == answer.IntentSmalltalk {
				q.stHit++
			} else {
				q.misses = append(q.misses, fmt.Sprintf("smalltalk got %s: %q", res.Intent, it.Q))
			}
		}
	}
	sort.Strings(q.misses)
	return q
}

func (q quality) report(t *testing.T) {
	t.Logf("dev set: answer items %d (pending, no article yet: %d)", q.answerN, len(q.pending))
	t.Logf("  top-1 %.3f (%d/%d), top-3 %.3f, answered correctly %.3f", ratio(q.top1, q.answerN), q.top1, q.answerN,
		ratio(q.top3, q.answerN), ratio(q.answered, q.answerN))
	t.Logf("  false escalations on answerable %.3f (%d)", ratio(q.falseEsc, q.answerN), q.falseEsc)
	t.Logf("  escalation recall %.3f (%d/%d), reason correct %d", ratio(q.escHit, q.escN), q.escHit, q.escN, q.escReason)
	t.Logf("  out_of_scope %.3f (%d/%d), smalltalk %.3f (%d/%d)", ratio(q.oosHit, q.oosN), q.oosHit, q.oosN,
		ratio(q.stHit, q.stN), q.stHit, q.stN)
	t.Logf("  answered wrong %.3f, clarified right %.3f, resolved (answered or clarified right) %.3f",
		ratio(q.answeredWrong, q.answerN), ratio(q.clarifiedRight, q.answerN), ratio(q.answered+q.clarifiedRight, q.answerN))
	if q.uncN > 0 {
		t.Logf("  uncovered not answered from an article %.3f (%d/%d)", ratio(q.uncHandled, q.uncN), q.uncHandled, q.uncN)
	}
	for _, m := range q.misses {
		t.Log("  miss: " + m)
	}
}

// TestDevSetQuality runs the development questions through the real engine over the embedded seed
// knowledge base and holds the floors the foundation issue sets.
func TestDevSetQuality(t *testing.T) {
	items := loadDev(t)
	relabel(items, relabels(t), map[string]bool{})
	eng, ix := seedEngine(t)
	q := evaluate(t, eng, func(slug string) bool { _, ok := ix.Article(slug); return ok }, items)
	q.report(t)
	q.holdFloors(t, "dev", floors{top1: 0.90, top3: 0.97, escalation: 0.90, notFalselyEscalated: 0.95, outOfScope: 0.90, smalltalk: 0.90})
}

// floors are the minimum figures a question set must reach.
type floors struct{ top1, top3, escalation, notFalselyEscalated, outOfScope, smalltalk float64 }

func (q quality) holdFloors(t *testing.T, set string, f floors) {
	t.Helper()
	checks := []struct {
		name     string
		got, min float64
	}{
		{"top-1", ratio(q.top1, q.answerN), f.top1},
		{"top-3", ratio(q.top3, q.answerN), f.top3},
		{"escalation recall", ratio(q.escHit, q.escN), f.escalation},
		{"answerable not falsely escalated", 1 - ratio(q.falseEsc, q.answerN), f.notFalselyEscalated},
		{"out_of_scope", ratio(q.oosHit, q.oosN), f.outOfScope},
		{"smalltalk", ratio(q.stHit, q.stN), f.smalltalk},
	}
	for _, c := range checks {
		if c.got < c.min {
			t.Errorf("%s set: %s = %.3f, below the floor %.2f", set, c.name, c.got, c.min)
		}
	}
}

// TestHeldOutQuality runs questions written blind to the articles and to the dev set
// (testdata/heldout.jsonl), including traditional-character and full-width variants. Its answer
// items were never tuned on, so their figures estimate quality on unseen questions; its
// escalation items were read once to widen the cue patterns (docs/SEARCH.md).
func TestHeldOutQuality(t *testing.T) {
	items := loadJSONL(t, filepath.Join("testdata", "heldout.jsonl"))
	eng, ix := seedEngine(t)
	q := evaluate(t, eng, func(slug string) bool { _, ok := ix.Article(slug); return ok }, items)
	q.report(t)
	q.holdFloors(t, "held-out", floors{top1: 0.80, top3: 0.90, escalation: 0.80, notFalselyEscalated: 0.90, outOfScope: 0.80, smalltalk: 0.80})
}

// row is one line of the quality table in docs/SEARCH.md.
func (q quality) row(set string) string {
	f := func(a, b int) string {
		if b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.3f", ratio(a, b))
	}
	return fmt.Sprintf("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", set, q.answerN,
		f(q.top1, q.answerN), f(q.top3, q.answerN), f(q.answered, q.answerN), f(q.answeredWrong, q.answerN),
		f(q.clarifiedRight, q.answerN), f(q.falseEsc, q.answerN), f(q.escHit, q.escN), f(q.oosHit, q.oosN),
		f(q.stHit, q.stN), f(q.uncHandled, q.uncN))
}

const tableHead = "| set | answerable | top-1 | top-3 | answered right | answered wrong | clarified right | falsely escalated | escalation recall | out of scope | smalltalk | uncovered handled |\n|---|---|---|---|---|---|---|---|---|---|---|---|"

// blindSHA256 freezes testdata/blind.jsonl: written from topics.json alone before any tuning, it
// must not change afterwards.
const (
	realDevResolvedFloor  = 0.60
	realDevUncoveredFloor = 0.80
)

// relabels reads testdata/relabel.txt: items of the shared sets labelled "uncovered" (real-dev)
// or escalate/uncovered_legal (dev) before the breadth issue's 30 articles covered their topic,
// by the SHA-256 of the question, with the slug that answers them now.
func relabels(t testing.TB) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "relabel.txt"))
	if err != nil {
		t.Fatal(err)
	}
	to := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && !strings.HasPrefix(f[0], "#") {
			to[f[0]] = f[1:]
		}
	}
	return to
}

// relabel applies the relabels to items and records each one it used in used. It returns how
// many items it changed.
func relabel(items []devItem, to map[string][]string, used map[string]bool) int {
	n := 0
	for i := range items {
		h := fmt.Sprintf("%x", sha256.Sum256([]byte(items[i].Q)))
		s, ok := to[h]
		if !ok || !(items[i].Expect == "uncovered" || items[i].Expect == "escalate" && items[i].Why == "uncovered_legal") {
			continue
		}
		items[i].Expect, items[i].Slug, items[i].Alt, items[i].Why = "answer", s[0], s[1:], ""
		used[h] = true
		n++
	}
	return n
}

const blindSHA256 = "dd66374283bd75f7fc0bf5b8ebb35c2dacb29ca0cf101f302ef5f755cd90e58e"

// TestQualityTable prints every question set in one table (docs/SEARCH.md) and holds the floors
// on real consultation questions. The blind set is measured only with COURTDESK_BLIND=1, so that
// nobody tunes on it by accident; its content is checked frozen on every run.
func TestQualityTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "blind.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := fmt.Sprintf("%x", sha256.Sum256(data)); sum != blindSHA256 {
		t.Fatalf("testdata/blind.jsonl changed (sha256 %s): the blind set is frozen", sum)
	}
	eng, ix := seedEngine(t)
	has := func(slug string) bool { _, ok := ix.Article(slug); return ok }
	shared := testenv.SharedDir(t)
	sets := []struct{ name, path string }{
		{"dev", filepath.Join(shared, "kb", "dev-questions.jsonl")},
		{"held-out (tuned on)", filepath.Join("testdata", "heldout.jsonl")},
		{"real-dev (labels as shipped)", filepath.Join(shared, "kb", "real-dev.jsonl")},
		{"real-dev", filepath.Join(shared, "kb", "real-dev.jsonl")},
		{"intent tuning (tuned on)", filepath.Join("testdata", "tuning.jsonl")},
		{"narratives (tuned on)", filepath.Join("testdata", "narrative.jsonl")},
	}
	if os.Getenv("COURTDESK_BLIND") == "1" {
		sets = append(sets, struct{ name, path string }{"blind", filepath.Join("testdata", "blind.jsonl")})
	}
	lines := []string{tableHead}
	to, used := relabels(t), map[string]bool{}
	for _, s := range sets {
		items := loadJSONL(t, s.path)
		name := s.name
		if s.name == "real-dev" || s.name == "dev" {
			name = fmt.Sprintf("%s (%d relabelled to new topics)", s.name, relabel(items, to, used))
		}
		q := evaluate(t, eng, has, items)
		lines = append(lines, q.row(name))
		if testing.Verbose() && s.name != "blind" && os.Getenv("COURTDESK_MISSES") != "" && strings.Contains(s.name, os.Getenv("COURTDESK_MISSES")) {
			t.Logf("== %s", s.name)
			q.report(t)
		}
		if s.name == "real-dev" {
			// Floors a little under today's figures, so that a change that loses ground fails.
			if r := ratio(q.answered+q.clarifiedRight, q.answerN); r < realDevResolvedFloor {
				t.Errorf("real-dev resolved %.3f, below the floor %.2f", r, realDevResolvedFloor)
			}
			if r := ratio(q.uncHandled, q.uncN); r < realDevUncoveredFloor {
				t.Errorf("real-dev uncovered handled %.3f, below the floor %.2f", r, realDevUncoveredFloor)
			}
		}
	}
	if len(used) != len(to) {
		t.Errorf("testdata/relabel.txt: %d of its %d items found among the uncovered ones", len(used), len(to))
	}
	t.Log("\n" + strings.Join(lines, "\n"))
}
