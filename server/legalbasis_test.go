package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// statuteFiles reads a directory as the console uploads it: every .md file by name and content.
func statuteFiles(t *testing.T, dir string) []map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, map[string]string{"name": e.Name(), "content": string(b)})
	}
	return out
}

func lookupPath(cite string) string { return "/api/v1/statutes/lookup?cite=" + url.QueryEscape(cite) }

// flaggedSlugs is the set the admin article list marks as flagged.
func flaggedSlugs(t *testing.T, admin *apiClient) []string {
	t.Helper()
	code, out := admin.do("GET", "/api/v1/admin/articles", nil)
	if code != 200 {
		t.Fatalf("article list: %d %v", code, out)
	}
	var slugs []string
	for _, r := range out["articles"].([]any) {
		row := r.(map[string]any)
		if row["flagged"] == true {
			slugs = append(slugs, row["slug"].(string))
		}
	}
	sort.Strings(slugs)
	return slugs
}

// seedCiting lists the seed articles whose summary, body or legal basis cite the given article.
func seedCiting(t *testing.T, title string, k statute.Key) []string {
	t.Helper()
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range articles {
		text := strings.Join(append([]string{a.Summary, a.Body}, a.LegalBasis...), "\n")
		for _, c := range statute.Extract(text) {
			if statute.TitleKey(c.Title) == statute.TitleKey(title) && c.Article == k {
				out = append(out, a.Slug)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// The real statute texts are shipped with the service and imported on the first start; importing
// them again through the console changes nothing. The chat's lookup shows 法条原文 without a login,
// the report lists only citations of documents that are not there, and a flag on one article marks
// exactly the articles citing it until it is cleared.
func TestConsoleStatutesAndLegalFlags(t *testing.T) {
	t.Parallel()
	laws := filepath.Join(testenv.SharedDir(t), "laws")
	a, srv := testApp(t, nil)
	addUser(t, a, "judge.wu", knowledge.RoleJudge)
	admin, judge, anon := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	if admin.login("admin", "correct-horse-battery") != 200 || judge.login("judge.wu", "password-judge.wu") != 200 {
		t.Fatal("login")
	}
	const cite = "《中华人民共和国劳动合同法》第四十七条"
	_, list := admin.do("GET", "/api/v1/admin/statutes", nil)
	docs := list["documents"].([]any)
	var civil map[string]any
	for _, d := range docs {
		if d.(map[string]any)["title"] == "中华人民共和国民法典" {
			civil = d.(map[string]any)
		}
	}
	shipped, err := statute.ParseFS(os.DirFS(laws))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != len(shipped) || civil == nil || civil["article_count"].(float64) != 1136 ||
		civil["imported_by"] != "seed" || civil["current"] != true {
		t.Fatalf("%d documents shipped: 民法典 %v", len(docs), civil)
	}

	code, out := admin.do("POST", "/api/v1/admin/statutes/import", map[string]any{"files": statuteFiles(t, laws)})
	if code != 200 {
		t.Fatalf("import: %d %v", code, out)
	}
	for _, r := range out["results"].([]any) {
		if r := r.(map[string]any); r["change"] != "unchanged" {
			t.Errorf("re-importing a shipped text: %v", r)
		}
	}
	if _, list := admin.do("GET", "/api/v1/admin/statutes", nil); len(list["documents"].([]any)) != len(docs) {
		t.Fatalf("re-importing the shipped texts added documents: %d, was %d", len(list["documents"].([]any)), len(docs))
	}

	// The lookup is public and takes the short title and a paragraph too.
	for _, c := range []string{cite, "《劳动合同法》第四十七条第二款"} {
		code, out = anon.do("GET", lookupPath(c), nil)
		paras, _ := out["paragraphs"].([]any)
		if code != 200 || out["title"] != "中华人民共和国劳动合同法" || out["version"] != "2012-12-28" ||
			out["label"] != "第四十七条" || out["status"] != "current" || len(paras) != 3 ||
			!strings.HasPrefix(paras[0].(string), "经济补偿按劳动者在本单位工作的年限") {
			t.Fatalf("lookup %s: %d %v", c, code, out)
		}
	}
	for c, want := range map[string]int{
		"《劳动合同法》第九十九条": 404, // beyond the last article, 第九十八条
		"《最高人民法院关于适用〈中华人民共和国企业破产法〉若干问题的规定（三）》第八条": 404, // not among the shared laws
		"":                       400,
		strings.Repeat("条", 201): 400,
		"《劳动合同法》":                400, // a document, not an article
		"《劳动合同法》第四十六条、第四十七条": 400, // two articles
		"劳动合同法第四十七条":         400, // no 《》: not a citation
	} {
		if code, out := anon.do("GET", lookupPath(c), nil); code != want {
			t.Errorf("lookup %q: %d %v, want %d", c, code, out, want)
		}
	}

	// The report over the seed: everything resolves but the documents not imported.
	code, rep := admin.do("GET", "/api/v1/admin/citations", nil)
	sum, _ := rep["summary"].(map[string]any)
	// Several documents come in two versions (仲裁法 2017 and 2025 …): the report counts documents.
	titles := map[any]bool{}
	for _, d := range docs {
		titles[d.(map[string]any)["title"]] = true
	}
	if code != 200 || sum["documents"].(float64) != float64(len(titles)) || sum["resolved"].(float64) < 100 ||
		sum["out_of_range"].(float64) != 0 || sum["superseded"].(float64) != 0 || sum["flagged_articles"].(float64) != 0 {
		t.Fatalf("report: %d %v", code, sum)
	}
	for _, e := range rep["articles"].([]any) {
		for _, p := range e.(map[string]any)["problems"].([]any) {
			p := p.(map[string]any)
			if p["status"] != string(statute.StatusUnknownDocument) {
				t.Errorf("%s: %v", e.(map[string]any)["slug"], p)
			}
		}
	}
	t.Logf("report summary: %v", sum)

	// Flag the article as amended: exactly the articles citing it are flagged, and stay published.
	want := seedCiting(t, "劳动合同法", statute.Key{Number: 47})
	if len(want) == 0 || !contains(want, "labor-severance-compensation") {
		t.Fatalf("premise: seed articles citing %s = %v", cite, want)
	}
	code, flag := admin.do("POST", "/api/v1/admin/legal-flags", map[string]any{"title": "劳动合同法", "article": "第四十七条",
		"kind": "amended", "note": "经济补偿标准已调整，待复核"})
	if code != 201 || flag["citation"] != cite || flag["title"] != "中华人民共和国劳动合同法" {
		t.Fatalf("add flag: %d %v", code, flag)
	}
	if got := slugsOf(flag["articles"]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("flag lists %v, want %v", got, want)
	}
	got := flaggedSlugs(t, admin)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("flagged in the article list: %v, want %v", got, want)
	}
	// Same number, other laws: 《劳动争议调解仲裁法》第四十七条 and 《公司法》第四十七条 are not flagged.
	for _, other := range []string{"labor-arbitration", "corporate-capital-deadline"} {
		if contains(got, other) {
			t.Errorf("%s flagged by a flag on another law", other)
		}
	}
	if _, art := admin.do("GET", "/api/v1/admin/articles/labor-severance-compensation", nil); art["status"] != "published" {
		t.Errorf("a flagged article must stay published: %v", art["status"])
	}
	if code, out := anon.do("GET", lookupPath(cite), nil); code != 200 || out["status"] != "amended" || out["note"] != "经济补偿标准已调整，待复核" {
		t.Errorf("lookup of a flagged article: %d %v", code, out)
	}
	_, rep = admin.do("GET", "/api/v1/admin/citations", nil)
	if n := rep["summary"].(map[string]any)["flagged_articles"].(float64); int(n) != len(want) {
		t.Errorf("report: %v flagged articles, want %d", n, len(want))
	}
	if code, out := admin.do("POST", "/api/v1/admin/legal-flags", map[string]any{"title": "《中华人民共和国劳动合同法》第四十七条",
		"kind": "repealed"}); code != 409 {
		t.Errorf("the same target flagged twice: %d %v", code, out)
	}
	_, flags := admin.do("GET", "/api/v1/admin/legal-flags", nil)
	if fs := flags["flags"].([]any); len(fs) != 1 || fmt.Sprint(slugsOf(fs[0].(map[string]any)["articles"])) != fmt.Sprint(want) {
		t.Fatalf("flags: %v", flags)
	}

	// Judges get 403 on every new admin route; visitors 401; the lookup needs no login.
	id := fmt.Sprint(int64(flag["id"].(float64)))
	adminRoutes := [][2]string{{"GET", "/api/v1/admin/statutes"}, {"POST", "/api/v1/admin/statutes/import"},
		{"GET", "/api/v1/admin/citations"}, {"GET", "/api/v1/admin/legal-flags"}, {"POST", "/api/v1/admin/legal-flags"},
		{"DELETE", "/api/v1/admin/legal-flags/" + id}}
	for _, r := range adminRoutes {
		if code, _ := judge.do(r[0], r[1], "{}"); code != 403 {
			t.Errorf("judge %s %s: %d, want 403", r[0], r[1], code)
		}
		if code, _ := anon.do(r[0], r[1], "{}"); code != 401 {
			t.Errorf("anonymous %s %s: %d, want 401", r[0], r[1], code)
		}
	}
	if code, _ := judge.do("GET", lookupPath(cite), nil); code != 200 {
		t.Errorf("judge lookup: %d", code)
	}

	// Clearing lifts it everywhere; the audit log has the import, the flag and its clearing.
	if code, out := admin.do("DELETE", "/api/v1/admin/legal-flags/"+id, nil); code != 200 || out["cleared_by"] != "admin" {
		t.Fatalf("clear: %d %v", code, out)
	}
	if got := flaggedSlugs(t, admin); len(got) != 0 {
		t.Fatalf("still flagged after clearing: %v", got)
	}
	if _, out := anon.do("GET", lookupPath(cite), nil); out["status"] != "current" {
		t.Errorf("lookup after clearing: %v", out)
	}
	if code, _ := admin.do("DELETE", "/api/v1/admin/legal-flags/"+id, nil); code != 404 {
		t.Errorf("clear twice: %d", code)
	}
	_, audit := admin.do("GET", "/api/v1/admin/audit", nil)
	actions := map[string]string{}
	for _, e := range audit["entries"].([]any) {
		e := e.(map[string]any)
		actions[e["action"].(string)] = e["target"].(string)
	}
	if actions["legal_flag.add"] != cite || actions["legal_flag.clear"] != cite || actions["statutes.import"] == "" {
		t.Errorf("audit: %v", actions)
	}
}

func slugsOf(v any) []string {
	var out []string
	for _, a := range v.([]any) {
		out = append(out, a.(map[string]any)["slug"].(string))
	}
	sort.Strings(out)
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Console imports are all or nothing with every bad file named; each import, from the console or
// the command, takes effect at once in the lookup and the report, without a restart.
func TestConsoleStatuteImportAndReload(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	admin, anon := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	saveArticles(t, a.cfg.DataDir, citing("cite-test-law", "《测试法》第三条", "《测试法》第九条", "《测试条例》第一条"))

	// The shipped texts do not hold 测试法: its citations are reported as of an unknown document.
	_, rep := admin.do("GET", "/api/v1/admin/citations", nil)
	if problems := problemsOf(rep, "cite-test-law"); fmt.Sprint(problems) !=
		"[《测试条例》第一条:unknown_document 《测试法》第三条:unknown_document 《测试法》第九条:unknown_document]" {
		t.Fatalf("report before the import: %v", problems)
	}
	_, list := admin.do("GET", "/api/v1/admin/statutes", nil)
	shipped := len(list["documents"].([]any))
	file := func(name, text string) map[string]string { return map[string]string{"name": name, "content": text} }
	for name, files := range map[string][]map[string]string{
		"unparsable":    {file("测试法(2020-01-01).md", law("中华人民共和国测试法", "2020-01-01", 3)), file("坏文件(2020-01-01).md", "没有标题\n")},
		"not .md":       {file("测试法(2020-01-01).md", law("中华人民共和国测试法", "2020-01-01", 3)), file("测试条例.txt", "x")},
		"only a readme": {file("README.md", "# 说明\n")},
		"no files":      {},
	} {
		code, out := admin.do("POST", "/api/v1/admin/statutes/import", map[string]any{"files": files})
		e, _ := out["error"].(map[string]any)
		if code != 400 || e["code"] != "invalid" || len(e["fields"].([]any)) == 0 {
			t.Errorf("%s: %d %v", name, code, out)
		}
		if name == "unparsable" && e["fields"].([]any)[0].(map[string]any)["item"] != "坏文件(2020-01-01).md" {
			t.Errorf("the bad file is not named: %v", e["fields"])
		}
	}
	if code, _ := admin.do("POST", "/api/v1/admin/statutes/import", `{"files": "x"}`); code != 400 {
		t.Errorf("malformed body: %d", code)
	}
	big := `{"files":[{"name":"a.md","content":"` + strings.Repeat("x", 32<<20) + `"}]}`
	if code, _ := admin.do("POST", "/api/v1/admin/statutes/import", big); code != 413 {
		t.Errorf("oversized import: %d", code)
	}
	if _, out := admin.do("GET", "/api/v1/admin/statutes", nil); len(out["documents"].([]any)) != shipped {
		t.Fatalf("a refused import stored documents: %v", out)
	}

	code, out := admin.do("POST", "/api/v1/admin/statutes/import", map[string]any{"files": []map[string]string{
		file("测试法(2020-01-01).md", law("中华人民共和国测试法", "2020-01-01", 3)),
		file("测试条例(2021-05-01).md", law("测试条例", "2021-05-01", 2)), file("README.md", "# 说明\n")}})
	if code != 200 || len(out["results"].([]any)) != 2 {
		t.Fatalf("import: %d %v", code, out)
	}
	if code, out := anon.do("GET", lookupPath("《测试法》第三条"), nil); code != 200 || out["version"] != "2020-01-01" {
		t.Fatalf("lookup after the console import: %d %v", code, out)
	}
	_, rep = admin.do("GET", "/api/v1/admin/citations", nil)
	if problems := problemsOf(rep, "cite-test-law"); fmt.Sprint(problems) != "[《测试法》第九条:out_of_range]" {
		t.Fatalf("report after the first import: %v", problems)
	}

	// A newer version imported by the command, in another process, while the server runs.
	newer := writeStatutes(t, map[string]string{"测试法(2024-01-01).md": law("中华人民共和国测试法", "2024-01-01", 9)})
	if code, _, errOut := runCLI(t, map[string]string{"COURTDESK_DATA": a.cfg.DataDir}, "statutes", "import", "--by", "cli", newer); code != 0 {
		t.Fatalf("command import: %d %s", code, errOut)
	}
	if code, out := anon.do("GET", lookupPath("《测试法》第九条"), nil); code != 200 || out["version"] != "2024-01-01" {
		t.Fatalf("lookup after the command import: %d %v", code, out)
	}
	_, rep = admin.do("GET", "/api/v1/admin/citations", nil)
	if problems := problemsOf(rep, "cite-test-law"); fmt.Sprint(problems) != "[《测试法》第三条:superseded 《测试法》第九条:superseded]" {
		t.Fatalf("report after the new version: %v", problems)
	}
	_, list = admin.do("GET", "/api/v1/admin/statutes", nil)
	if docs := list["documents"].([]any); len(docs) != shipped+3 {
		t.Fatalf("documents: %v", docs)
	}

	// Flags: a target in an imported document must exist; other documents can be flagged by name.
	for _, bad := range []map[string]any{
		{"title": "测试法", "article": "第十条", "kind": "amended"},
		{"title": "测试法", "article": "第三条", "kind": "obsolete"},
		{"title": "测试法", "article": "第三条第二款", "kind": "amended"},
		{"title": "测试法", "article": "第三条、第四条", "kind": "amended"},
		{"title": "测试法", "article": "三条半", "kind": "amended"},
		{"title": "", "kind": "amended"},
	} {
		if code, out := admin.do("POST", "/api/v1/admin/legal-flags", bad); code != 400 {
			t.Errorf("flag %v: %d %v", bad, code, out)
		}
	}
	code, out = admin.do("POST", "/api/v1/admin/legal-flags", map[string]any{"title": "测试条例", "kind": "repealed", "note": "已废止"})
	if code != 201 || fmt.Sprint(slugsOf(out["articles"])) != "[cite-test-law]" {
		t.Fatalf("flag a whole document: %d %v", code, out)
	}
	code, out = admin.do("POST", "/api/v1/admin/legal-flags", map[string]any{"title": "未导入法", "article": "3", "kind": "amended"})
	if code != 201 || out["citation"] != "《未导入法》第三条" || len(out["articles"].([]any)) != 0 {
		t.Fatalf("flag a document not imported: %d %v", code, out)
	}
	if code, out := anon.do("GET", lookupPath("《测试条例》第一条"), nil); code != 200 || out["status"] != "repealed" {
		t.Errorf("lookup under a document flag: %d %v", code, out)
	}
	if got := flaggedSlugs(t, admin); fmt.Sprint(got) != "[cite-test-law]" {
		t.Errorf("flagged: %v", got)
	}
	if code, _ := admin.do("DELETE", "/api/v1/admin/legal-flags/not-a-number", nil); code != 404 {
		t.Errorf("clear a bad id: %d", code)
	}
}

// problemsOf lists an article's report problems as citation:status.
func problemsOf(rep map[string]any, slug string) []string {
	var out []string
	for _, e := range rep["articles"].([]any) {
		e := e.(map[string]any)
		if e["slug"] != slug {
			continue
		}
		for _, p := range e["problems"].([]any) {
			p := p.(map[string]any)
			out = append(out, fmt.Sprintf("%s:%s", p["citation"], p["status"]))
		}
	}
	sort.Strings(out)
	return out
}
