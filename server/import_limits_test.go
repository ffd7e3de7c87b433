package main

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func emptyObjects(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("{},", n), ",") + "]"
}

// An import body of many empty objects is refused by count before it is decoded in full, and an
// import of bad articles lists the first hundred problems and how many there are in all.
func TestAdminImportIsBounded(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")

	code, out := admin.do("POST", "/api/v1/admin/import", emptyObjects(20_000))
	if code != http.StatusRequestEntityTooLarge || errCodeOf(out) != "too_many_articles" {
		t.Fatalf("20k empty objects: %d %v", code, out)
	}
	if msg := out["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "2000") {
		t.Fatalf("message %q does not say the limit", msg)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code, out = admin.do("POST", "/api/v1/admin/import", emptyObjects(2_000_000))
	runtime.ReadMemStats(&after)
	if code != http.StatusRequestEntityTooLarge || errCodeOf(out) != "too_many_articles" {
		t.Fatalf("2M empty objects: %d %v", code, out)
	}
	// The 6 MB body is read once; nothing proportional to the number of objects is built.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 120<<20 {
		t.Fatalf("2M empty objects allocated %d MB", alloc>>20)
	}

	code, out = admin.do("POST", "/api/v1/admin/import", emptyObjects(1500))
	e, _ := out["error"].(map[string]any)
	fields, _ := e["fields"].([]any)
	total, _ := e["total_fields"].(float64)
	if code != 400 || len(fields) != 100 || total < 1500 {
		t.Fatalf("1500 bad articles: %d, %d fields listed of %v", code, len(fields), total)
	}
}

func TestCLIImportIsBounded(t *testing.T) {
	t.Parallel()
	env := map[string]string{"COURTDESK_DATA": t.TempDir(), "COURTDESK_MAX_IMPORT_ARTICLES": "50"}
	dir := t.TempDir()
	many := filepath.Join(dir, "many.json")
	if err := os.WriteFile(many, []byte(emptyObjects(51)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, env, "import", many)
	if code != 1 || !strings.Contains(errOut, "at most 50") {
		t.Fatalf("51 articles with a limit of 50: %d %q", code, errOut)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(emptyObjects(50)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, env, "import", bad)
	lines := strings.Count(errOut, "\n")
	if code != 1 || lines > 110 || !strings.Contains(errOut, "more") {
		t.Fatalf("50 bad articles: %d, %d lines:\n%s", code, lines, errOut)
	}
	// Markdown folders are counted too.
	md := t.TempDir()
	for i := range 51 {
		if err := os.WriteFile(filepath.Join(md, itoa(i)+".md"), []byte("---\nslug: x\n---\n正文\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errOut := runCLI(t, env, "import", md); code != 1 || !strings.Contains(errOut, "at most 50") {
		t.Fatalf("51 Markdown files with a limit of 50: %d %q", code, errOut)
	}
}
