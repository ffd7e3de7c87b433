package kbfile_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/markup"
)

type topic struct {
	Slug     string             `json:"slug"`
	Category knowledge.Category `json:"category"`
	Kind     knowledge.Kind     `json:"kind"`
	Title    string             `json:"title"`
}

func seedArticles(t *testing.T) []knowledge.Article {
	t.Helper()
	as, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// The seed is a valid set on its own: fields within bounds, no duplicate or dangling slugs.
func TestSeedIsValid(t *testing.T) {
	as := seedArticles(t)
	if err := knowledge.ValidateSet(as, nil); err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Status != knowledge.StatusPublished {
			t.Errorf("%s: status %s, the seed publishes every article", a.Slug, a.Status)
		}
		if n := len(a.Questions); n < 4 || n > 8 {
			t.Errorf("%s: %d questions, want 4–8", a.Slug, n)
		}
		if n := utf8.RuneCountInString(a.Summary); n > 300 {
			t.Errorf("%s: summary %d characters, want at most 300", a.Slug, n)
		}
		if n := len(a.Related); n < 2 || n > 6 {
			t.Errorf("%s: %d related, want 2–6", a.Slug, n)
		}
		if strings.ContainsAny(a.Summary, "#*`<>") {
			t.Errorf("%s: summary must be plain text", a.Slug)
		}
	}
}

// Every topic (topics.json, and topics-new.json from the breadth issue) has exactly one article, in
// the right folder, category and kind.
func TestSeedCoversEveryTopic(t *testing.T) {
	var topics []topic
	for _, name := range []string{"topics.json", "topics-new.json"} {
		b, err := os.ReadFile(filepath.Join(testenv.SharedDir(t), "kb", name))
		if err != nil {
			t.Fatal(err)
		}
		var more []topic
		if err := json.Unmarshal(b, &more); err != nil {
			t.Fatal(err)
		}
		topics = append(topics, more...)
	}
	bySlug := map[string]knowledge.Article{}
	for _, a := range seedArticles(t) {
		bySlug[a.Slug] = a
	}
	if len(bySlug) != len(topics) {
		t.Errorf("%d articles for %d topics", len(bySlug), len(topics))
	}
	for _, tp := range topics {
		a, ok := bySlug[tp.Slug]
		if !ok {
			t.Errorf("topic %s has no article", tp.Slug)
			continue
		}
		if a.Category != tp.Category || a.Kind != tp.Kind {
			t.Errorf("%s: %s/%s, topic says %s/%s", tp.Slug, a.Category, a.Kind, tp.Category, tp.Kind)
		}
		if _, err := seed.FS().Open(string(tp.Category) + "/" + tp.Slug + ".md"); err != nil {
			t.Errorf("%s: not at %s/%s.md", tp.Slug, tp.Category, tp.Slug)
		}
	}
}

// The dev questions are a test: none may appear in an article word for word.
func TestSeedHasNoDevQuestionVerbatim(t *testing.T) {
	shared := testenv.SharedDir(t)
	strip := regexp.MustCompile(`[\s，。？！?!,.、：:；;“”"（）()]`)
	// The dev and real sets are checked against the whole article; the held-out and blind sets
	// against the question bank, since a short keyword item of the held-out set (破产财产清偿顺序)
	// is also a term of the body and of questions written before it.
	var whole, bank []string
	for _, a := range seedArticles(t) {
		phr := strip.ReplaceAllString(strings.Join(a.Phrasings, "|"), "")
		bank = append(bank, phr)
		whole = append(whole, strip.ReplaceAllString(strings.Join(append([]string{a.Title, a.Summary, a.Body}, a.Questions...), "|"), "")+"|"+phr)
	}
	// Every evaluation set: the service is judged on questions it has not seen, so none may be
	// pasted into an article or its question bank.
	for _, set := range []struct {
		path string
		all  []string
	}{
		{filepath.Join(shared, "kb", "dev-questions.jsonl"), whole},
		{filepath.Join(shared, "kb", "real-dev.jsonl"), whole},
		{filepath.Join("..", "index", "testdata", "heldout.jsonl"), bank},
		{filepath.Join("..", "index", "testdata", "blind.jsonl"), bank},
	} {
		path, all := set.path, set.all
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var it struct{ Q string }
			if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
				t.Fatal(err)
			}
			q := strip.ReplaceAllString(it.Q, "")
			if utf8.RuneCountInString(q) < 8 {
				continue // greetings like 你好 may appear anywhere
			}
			for _, text := range all {
				if strings.Contains(text, q) {
					t.Errorf("%s: evaluation question pasted into an article: %q", filepath.Base(path), it.Q)
				}
			}
		}
		f.Close()
	}
}

// Every article has a question bank of at least 25 phrasings.
func TestSeedQuestionBanks(t *testing.T) {
	for _, a := range seedArticles(t) {
		if len(a.Phrasings) < 25 {
			t.Errorf("%s: %d phrasings in the question bank, want at least 25", a.Slug, len(a.Phrasings))
		}
	}
}

// Every body renders to sanitised HTML with the headings its kind requires, in order.
func TestSeedBodiesRender(t *testing.T) {
	r := markup.New()
	h2 := regexp.MustCompile(`<h2[^>]*>(.*?)</h2>`)
	for _, a := range seedArticles(t) {
		html := r.HTML(a.Body)
		if strings.Contains(strings.ToLower(html), "<script") {
			t.Errorf("%s: script survived sanitising", a.Slug)
		}
		var got []string
		for _, m := range h2.FindAllStringSubmatch(html, -1) {
			got = append(got, m[1])
		}
		want := a.Kind.Headings()
		var present []string
		for _, h := range got {
			if slices.Contains(want, h) {
				present = append(present, h)
			}
		}
		if !slices.Equal(present, want) {
			t.Errorf("%s (%s): headings %v, want %v in order", a.Slug, a.Kind, got, want)
		}
		if n := utf8.RuneCountInString(markup.PlainText(a.Body)); n < 500 || n > 3200 {
			t.Errorf("%s: body %d characters, want roughly 600–3,000", a.Slug, n)
		}
	}
}
