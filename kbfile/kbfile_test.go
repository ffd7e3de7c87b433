package kbfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
)

func TestMarkdownRoundTrip(t *testing.T) {
	for _, a := range seedArticles(t)[:10] {
		b, err := kbfile.FormatMarkdown(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := kbfile.ParseMarkdown(a.Slug, b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, back) {
			t.Fatalf("%s: round trip changed the article:\n%+v\n%+v", a.Slug, a, back)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	as := seedArticles(t)
	var buf bytes.Buffer
	if err := kbfile.WriteJSON(&buf, as); err != nil {
		t.Fatal(err)
	}
	back, err := kbfile.ReadJSON(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(as, back) {
		t.Fatal("JSON round trip changed the articles")
	}
}

func TestBadFilesAreReportedByName(t *testing.T) {
	cases := map[string]string{
		"no-front-matter": "# 标题\n正文",
		"unclosed":        "---\nslug: a\n",
		"unknown-field":   "---\nslug: a\nauthor: 张三\n---\n正文",
		"bad-yaml":        "---\nslug: [a\n---\n正文",
	}
	for name, src := range cases {
		_, err := kbfile.ParseMarkdown(name+".md", []byte(src))
		if !errors.Is(err, knowledge.ErrInvalid) || !strings.Contains(err.Error(), name+".md") {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := kbfile.ReadJSON(strings.NewReader(`[{"slug": "a", "colour": "red"}]`), 0); !errors.Is(err, knowledge.ErrInvalid) {
		t.Errorf("unknown JSON field: %v", err)
	}
	if _, err := kbfile.ReadJSON(strings.NewReader(`{"slug": "a"}`), 0); !errors.Is(err, knowledge.ErrInvalid) {
		t.Errorf("object instead of array: %v", err)
	}
}

func TestLoadFolderAndFile(t *testing.T) {
	dir := t.TempDir()
	as := seedArticles(t)[:3]
	for _, a := range as {
		b, _ := kbfile.FormatMarkdown(a)
		os.MkdirAll(filepath.Join(dir, string(a.Category)), 0o755)
		os.WriteFile(filepath.Join(dir, string(a.Category), a.Slug+".md"), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("not an article"), 0o644)
	got, err := kbfile.Load(dir, 0)
	if err != nil || len(got) != 3 {
		t.Fatalf("folder: %d articles, %v", len(got), err)
	}
	var buf bytes.Buffer
	kbfile.WriteJSON(&buf, as)
	p := filepath.Join(dir, "kb.json")
	os.WriteFile(p, buf.Bytes(), 0o644)
	got, err = kbfile.Load(p, 0)
	if err != nil || len(got) != 3 {
		t.Fatalf("json: %d articles, %v", len(got), err)
	}
}
