package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
)

func TestCLIHelpVersionAndUnknown(t *testing.T) {
	t.Parallel()
	if code, out, _ := runCLI(t, nil, "version"); code != 0 || !strings.Contains(out, "courtdesk") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, nil, "help"); code != 0 || !strings.Contains(out, "import") {
		t.Fatalf("help: %d %q", code, out)
	}
	for _, cmd := range []string{"serve", "import", "export", "reindex"} {
		if code, _, errOut := runCLI(t, nil, cmd, "--help"); code != 0 || !strings.Contains(errOut, "-data") {
			t.Errorf("%s --help: %d %q", cmd, code, errOut)
		}
	}
	if code, _, _ := runCLI(t, nil, "frobnicate"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
	if code, _, errOut := runCLI(t, nil, "serve", "--addr", "nonsense"); code != 1 || !strings.Contains(errOut, "addr") {
		t.Fatalf("bad addr: %d %q", code, errOut)
	}
}

// import validates everything first and writes nothing if any article is bad; export writes what
// import accepts.
func TestCLIImportExport(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"COURTDESK_DATA": data}
	dir := t.TempDir()
	good := knowledge.Article{Slug: "test-good", Title: "测试文章", Category: "labor", Kind: knowledge.KindCompliance,
		Questions: []string{"测试问题一"}, Summary: "摘要", Body: "## 常见风险\n正文"}
	bad := good
	bad.Slug, bad.Category, bad.Related = "test-bad", "weather", []string{"missing-article"}
	for _, a := range []knowledge.Article{good, bad} {
		b, _ := kbfile.FormatMarkdown(a)
		os.WriteFile(filepath.Join(dir, a.Slug+".md"), b, 0o644)
	}
	code, _, errOut := runCLI(t, env, "import", dir)
	if code == 0 || !strings.Contains(errOut, "test-bad: category") || !strings.Contains(errOut, "missing-article") {
		t.Fatalf("bad import: %d %q", code, errOut)
	}
	code, out, _ := runCLI(t, env, "export")
	if code != 0 || strings.Contains(out, "test-good") {
		t.Fatalf("a failed import wrote something: %d", code)
	}
	os.Remove(filepath.Join(dir, "test-bad.md"))
	if code, out, errOut := runCLI(t, env, "import", dir); code != 0 || !strings.Contains(out, "1 created") {
		t.Fatalf("good import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "export")
	var as []knowledge.Article
	if code != 0 || json.Unmarshal([]byte(out), &as) != nil || len(as) != 1 || as[0].Slug != "test-good" || as[0].Version != 1 {
		t.Fatalf("export: %d %d articles", code, len(as))
	}
	// The export is accepted by import, unchanged.
	p := filepath.Join(t.TempDir(), "kb.json")
	os.WriteFile(p, []byte(out), 0o644)
	if code, out, _ := runCLI(t, env, "import", p); code != 0 || !strings.Contains(out, "1 unchanged") {
		t.Fatalf("re-import of export: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, env, "reindex"); code != 0 || !strings.Contains(out, "reindexed 1") {
		t.Fatalf("reindex: %d %q", code, out)
	}
}

func TestCLIUserAdd(t *testing.T) {
	t.Parallel()
	env := map[string]string{"COURTDESK_DATA": t.TempDir()}
	code, out, errOut := runCLI(t, env, "user", "add", "--role", "judge", "--username", "judge.wang", "--name", "王法官",
		"--court", "沈阳市中级人民法院", "--specialties", "labor,enforcement", "--capacity", "3")
	if code != 0 || !strings.Contains(out, "password (shown once)") {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, env, "user", "add", "--username", "judge.wang", "--court", "沈阳市中级人民法院"); code == 0 || !strings.Contains(errOut, "taken") {
		t.Fatalf("duplicate: %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, env, "user", "add", "--username", "x.y", "--role", "mayor"); code == 0 {
		t.Fatal("unknown role accepted")
	}
	if code, _, _ := runCLI(t, env, "user", "add", "--username", "short.pw", "--password", "123"); code == 0 {
		t.Fatal("short password accepted")
	}
}

// A judge's court must be in the court list: an unknown or missing court is refused with the
// list to choose from, a region's code names its court, and an admin needs no court.
func TestCLIUserAddChecksTheCourt(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := map[string]string{"COURTDESK_DATA": data}
	for _, args := range [][]string{
		{"--username", "judge.dl", "--court", "大连中院"},
		{"--username", "judge.none"},
	} {
		code, out, errOut := runCLI(t, env, append([]string{"user", "add", "--role", "judge"}, args...)...)
		if code == 0 || !strings.Contains(errOut, "大连市中级人民法院") || strings.Contains(out, "created") {
			t.Errorf("user add %v: %d %q %q", args, code, out, errOut)
		}
	}
	if code, out, errOut := runCLI(t, env, "user", "add", "--role", "judge", "--username", "judge.dl", "--court", "210200"); code != 0 {
		t.Fatalf("court by region code: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, env, "user", "add", "--role", "admin", "--username", "admin.two"); code != 0 {
		t.Fatalf("admin without a court: %d %q %q", code, out, errOut)
	}
	cfg := DefaultConfig()
	cfg.DataDir = data
	st, err := openStore(context.Background(), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users, err := st.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.Username+"@"+u.Court)
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[admin.two@ judge.dl@大连市中级人民法院]" {
		t.Fatalf("accounts: %v", got)
	}
}

func TestConfigPrecedenceAndValidate(t *testing.T) {
	t.Parallel()
	env := map[string]string{"COURTDESK_ADDR": "127.0.0.1:9000", "COURTDESK_RATE_LIMIT": "0", "COURTDESK_DATA": "/tmp/x"}
	e := &env_{env}
	cfg, _, err := loadConfig(e.env(), "serve", []string{"--data", "/tmp/y"}, func(c *Config, fs *flagSet) { c.registerServe(fs) })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9000" || cfg.RateLimit != 0 || cfg.DataDir != "/tmp/y" {
		t.Fatalf("precedence: %+v", cfg)
	}
	bad := DefaultConfig()
	bad.DB, bad.RateLimit, bad.LogLevel = "oracle", -1, "loud"
	err = bad.Validate()
	for _, want := range []string{"oracle", "rate limit", "log level"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate misses %q: %v", want, err)
		}
	}
	if _, _, err := loadConfig((&env_{map[string]string{"COURTDESK_RATE_LIMIT": "fast"}}).env(), "serve", nil, nil); err == nil {
		t.Fatal("bad env value accepted")
	}
}

type flagSet = flag.FlagSet

type env_ struct{ m map[string]string }

func (e *env_) env() *env {
	return &env{stdout: os.Stdout, stderr: os.Stderr, getenv: func(k string) string { return e.m[k] }}
}
