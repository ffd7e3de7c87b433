package index_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

type devItem struct {
	Q      string `json:"q"`
	Expect string `json:"expect"`
	Slug   string `json:"slug"`
	Why    string `json:"why"`
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
			if len(got) > 0 && got[0] == it.Slug {
				q.top1++
				if res.Intent == answer.IntentAnswer {
					q.answered++
				}
			} else {
				q.misses = append(q.misses, fmt.Sprintf("top1 %s: %q → %v (%s %.2f)", it.Slug, it.Q, got, res.Intent, res.Confidence))
			}
			for _, s := range got {
				if s == it.Slug {
					q.top3++
				}
			}
			if res.Intent == answer.IntentEscalate {
				q.falseEsc++
				q.misses = append(q.misses, fmt.Sprintf("false escalation %s (%s): %q", it.Slug, res.Escalation.Reason, it.Q))
			} else if res.Intent != answer.IntentAnswer {
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
	for _, m := range q.misses {
		t.Log("  miss: " + m)
	}
}

// TestDevSetQuality runs the development questions through the real engine over the embedded seed
// knowledge base and holds the floors the foundation issue sets.
func TestDevSetQuality(t *testing.T) {
	items := loadDev(t)
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
