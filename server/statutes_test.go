package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

func writeStatutes(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// law writes a statute file of n articles whose text names the version.
func law(title, version string, n int) string {
	var b strings.Builder
	b.WriteString("# " + title + "\n\n" + version + " 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n")
	for i := 1; i <= n; i++ {
		b.WriteString((statute.Key{Number: i}).Label() + " " + version + "版本的条文。\n\n")
	}
	return b.String()
}

// saveArticles stores articles directly, as the seed import or an admin's edit would.
func saveArticles(t *testing.T, data string, as ...knowledge.Article) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = data
	st, err := openStore(context.Background(), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SaveArticles(context.Background(), as, "test", ""); err != nil {
		t.Fatal(err)
	}
}

func citing(slug string, legalBasis ...string) knowledge.Article {
	return knowledge.Article{Slug: slug, Title: "引用测试 " + slug, Category: "labor", Kind: knowledge.KindCompliance,
		Questions: []string{"测试问题"}, Summary: "摘要", Body: "## 常见风险\n正文", LegalBasis: legalBasis,
		Status: knowledge.StatusPublished}
}

func TestCLIStatutes(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"COURTDESK_DATA": data}
	if code, _, errOut := runCLI(t, env, "statutes", "--help"); code != 0 || !strings.Contains(errOut, "statutes import") {
		t.Fatalf("help: %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, env, "statutes", "frobnicate"); code != 2 {
		t.Fatalf("unknown action: %d", code)
	}
	empty := writeStatutes(t, map[string]string{"README.md": "# 说明\n"})
	if code, _, errOut := runCLI(t, env, "statutes", "import", empty); code != 1 || !strings.Contains(errOut, "no statute files") {
		t.Fatalf("empty directory: %d %q", code, errOut)
	}
	bad := writeStatutes(t, map[string]string{"测试法(2020-01-01).md": law("中华人民共和国测试法", "2020-01-01", 3),
		"坏文件.md": "没有标题\n"})
	if code, _, errOut := runCLI(t, env, "statutes", "import", bad); code != 1 || !strings.Contains(errOut, "坏文件.md: line 1") ||
		strings.Contains(errOut, "测试法(") {
		t.Fatalf("bad file: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, env, "statutes", "check"); code != 0 || !strings.Contains(out, "no statutes imported") {
		t.Fatalf("a refused import wrote something: %d %q", code, out)
	}

	// Articles written before the first import.
	saveArticles(t, data,
		citing("cite-ok", "《测试法》第三条", "《测试条例》第二条"),
		citing("cite-range", "《中华人民共和国测试法》第九条"),
		citing("cite-unknown", "《未导入法》第一条", "《只写名称的法》"))
	dir := writeStatutes(t, map[string]string{"测试法(2020-01-01).md": law("中华人民共和国测试法", "2020-01-01", 3),
		"测试条例(2021-05-01).md": law("测试条例", "2021-05-01", 2), "README.md": "# 说明\n"})
	code, out, errOut := runCLI(t, env, "statutes", "import", dir)
	if code != 0 || !strings.Contains(out, "created    中华人民共和国测试法  2020-01-01  3 articles") ||
		!strings.Contains(out, "imported 2 document(s): 2 created") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	if _, out, _ := runCLI(t, env, "statutes", "import", dir); !strings.Contains(out, "2 unchanged") {
		t.Fatalf("re-import: %q", out)
	}
	code, out, _ = runCLI(t, env, "statutes", "check")
	if code != 0 || countLines(out, "\t") != 2 || !strings.Contains(out, "cite-range\tlegal_basis\tout_of_range\t《中华人民共和国测试法》第九条") ||
		!strings.Contains(out, "cite-unknown\tlegal_basis\tunknown_document\t《未导入法》第一条") ||
		!strings.Contains(out, "2 numbered citation(s) resolved, 1 of unknown documents, 1 out of range, 0 superseded; 1 cited by name only") {
		t.Fatalf("check:\n%s", out)
	}

	// A new version replaces the current one: what was written before it now cites a superseded text.
	newer := writeStatutes(t, map[string]string{"测试法(2024-01-01).md": law("中华人民共和国测试法", "2024-01-01", 9)})
	if code, out, _ := runCLI(t, env, "statutes", "import", newer); code != 0 ||
		!strings.Contains(out, "replaced   中华人民共和国测试法  2024-01-01  9 articles  (replaces 2020-01-01)") {
		t.Fatalf("new version: %d %q", code, out)
	}
	code, out, _ = runCLI(t, env, "statutes", "check")
	if code != 0 || !strings.Contains(out, "cite-ok\tlegal_basis\tsuperseded\t《测试法》第三条\twritten against version 2020-01-01") ||
		!strings.Contains(out, "cite-range\tlegal_basis\tsuperseded\t《中华人民共和国测试法》第九条") ||
		strings.Contains(out, "《测试条例》") {
		t.Fatalf("check after the new version:\n%s", out)
	}
	// Saving the article again (after review) clears the flag.
	reviewed := citing("cite-ok", "《测试法》第三条", "《测试条例》第二条")
	reviewed.Summary = "已按新版本复核"
	saveArticles(t, data, reviewed)
	if _, out, _ := runCLI(t, env, "statutes", "check"); strings.Contains(out, "cite-ok") {
		t.Fatalf("a reviewed article is still listed:\n%s", out)
	}
}

func countLines(s, substr string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) && !strings.HasPrefix(l, "slug\t") {
			n++
		}
	}
	return n
}

// The real statute texts import through the command, and the check over the seed knowledge base
// lists only citations of documents that are not among them.
func TestCLIStatutesSharedLawsAndSeed(t *testing.T) {
	t.Parallel()
	laws := filepath.Join(testenv.SharedDir(t), "laws")
	data := t.TempDir()
	env := map[string]string{"COURTDESK_DATA": data}
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	saveArticles(t, data, articles...)
	code, out, errOut := runCLI(t, env, "statutes", "import", laws)
	if code != 0 || !strings.Contains(out, "created    中华人民共和国民法典  2020-05-28  1136 articles") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "statutes", "check")
	if code != 0 {
		t.Fatalf("check: %d", code)
	}
	cfg := DefaultConfig()
	cfg.DataDir = data
	st, err := openStore(context.Background(), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := statute.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 || f[0] == "slug" {
			continue
		}
		cs := statute.Extract(f[3])
		if f[2] != string(statute.StatusUnknownDocument) || len(cs) != 1 || r.Has(cs[0].Title) {
			t.Errorf("a citation of an imported document does not resolve: %s", line)
		}
	}
	summary := regexp.MustCompile(`checked \d+ article.*`).FindString(out)
	if !strings.Contains(summary, "0 out of range, 0 superseded") {
		t.Errorf("summary: %q", summary)
	}
	t.Log(summary)
}
