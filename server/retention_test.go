package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/storetest"
)

func openDataStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = dir
	st, err := openStore(context.Background(), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// `courtdesk purge --older-than 180d` deletes old conversations and resolved tickets, keeps the
// open ticket and the recent conversation, and the reports and the audit log read as before.
func TestCLIPurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	env := map[string]string{"COURTDESK_DATA": data}
	st := openDataStore(t, data)
	d := storetest.SeedRetention(t, st)
	from, to := d.Base.AddDate(0, 0, -1), d.Now.AddDate(0, 0, 1)
	before := storetest.ReportFigures(t, st, from, to)
	st.Close()

	if code, _, errOut := runCLI(t, env, "purge", "--help"); code != 0 || !strings.Contains(errOut, "-older-than") || !strings.Contains(errOut, "-dry-run") {
		t.Fatalf("purge --help: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "purge", "--older-than", "soon"); code != 2 || !strings.Contains(errOut, "180d") {
		t.Fatalf("bad age: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "purge", "--older-than", "2h"); code != 1 || !strings.Contains(errOut, "at least one day") {
		t.Fatalf("a purge of nearly everything: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, map[string]string{"COURTDESK_DATA": data, "COURTDESK_RETENTION_DAYS": "0"}, "purge"); code != 1 ||
		!strings.Contains(errOut, "keep forever") {
		t.Fatalf("purge with retention off: %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, env, "purge", "--older-than", "180d", "--dry-run")
	if code != 0 || !strings.Contains(out, "would purge") || !strings.Contains(out, "2 conversation(s)") || !strings.Contains(out, "1 resolved ticket(s)") {
		t.Fatalf("dry run: %d %q %q", code, out, errOut)
	}
	st = openDataStore(t, data)
	if _, err := st.GetConversation(ctx, d.Old); err != nil {
		t.Fatalf("the dry run deleted: %v", err)
	}
	st.Close()

	// The default age is the retention period (180 days).
	code, out, errOut = runCLI(t, env, "purge")
	if code != 0 || !strings.Contains(out, "purged what is older than") || !strings.Contains(out, "(180 days): 2 conversation(s)") ||
		!strings.Contains(out, "kept 2 older conversation(s)") || !strings.Contains(out, "open tickets are never purged") {
		t.Fatalf("purge: %d %q %q", code, out, errOut)
	}
	st = openDataStore(t, data)
	defer st.Close()
	if _, err := st.GetConversation(ctx, d.Old); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("old conversation after purge: %v", err)
	}
	if _, err := st.GetTicket(ctx, d.ResolvedTicket); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("resolved ticket after purge: %v", err)
	}
	if _, err := st.GetTicket(ctx, d.OpenTicket); err != nil {
		t.Fatalf("open ticket after purge: %v", err)
	}
	if after := storetest.ReportFigures(t, st, from, to); after != before {
		t.Fatalf("reports changed\nbefore %s\nafter  %s", before, after)
	}
	log, err := st.AuditLog(ctx, 10, 0)
	if err != nil || len(log) != 2 || log[0].Action != "retention.purge" || !strings.Contains(log[0].Detail, "删除会话 2 个") ||
		log[1].Target != "judge.li" {
		t.Fatalf("audit log: %+v %v", log, err)
	}
}

func TestRetentionConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"COURTDESK_RETENTION_DAYS": "-1"}, "retention days"},
		{map[string]string{"COURTDESK_RETENTION_DAYS": "0", "COURTDESK_PURGE_DAILY": "true"}, "needs a retention period"},
		{map[string]string{"COURTDESK_RETENTION_DAYS": "half a year"}, "COURTDESK_RETENTION_DAYS"},
	} {
		if code, _, errOut := runCLI(t, c.env, "serve", "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.env, code, errOut)
		}
	}
}

// Admins see the retention period and the last purge; the daily purge runs once a day however
// many replicas try.
func TestRetentionInConsole(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, func(c *Config) { c.RetentionDays, c.PurgeDaily = 90, true })
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	code, st := admin.do("GET", "/api/v1/admin/retention", nil)
	if code != 200 || st["days"].(float64) != 90 || st["daily_purge"] != true || st["last_purge"] != nil {
		t.Fatalf("retention status: %d %v", code, st)
	}
	ctx := context.Background()
	r, ran, err := a.retention.RunDaily(ctx)
	if err != nil || !ran || r.By != "system" {
		t.Fatalf("daily purge: %+v %v %v", r, ran, err)
	}
	if _, ran, err := a.retention.RunDaily(ctx); err != nil || ran {
		t.Fatalf("second daily purge on the same day: %v %v", ran, err)
	}
	code, st = admin.do("GET", "/api/v1/admin/retention", nil)
	if last, _ := st["last_purge"].(map[string]any); code != 200 || last == nil || last["by"] != "system" {
		t.Fatalf("after the purge: %d %v", code, st)
	}
	if code, out := admin.do("PUT", "/api/v1/admin/retention", map[string]any{"days": 1}); code != 405 && code != 404 {
		t.Fatalf("the period is read-only in the console: %d %v", code, out)
	}
}

// The system tab shows the period, whether the daily purge is on, and the last purge.
func TestRetentionInConsoleBrowser(t *testing.T) {
	ctxB := chromium(t)
	a, srv := testApp(t, func(c *Config) { c.RetentionDays, c.PurgeDaily = 90, true })
	if _, _, err := a.retention.RunDaily(context.Background()); err != nil {
		t.Fatal(err)
	}
	step := stepper(t, ctxB)
	step("log in", loginSteps(srv.URL, "admin", "correct-horse-battery")...)
	step("open the system tab", chromedp.WaitVisible(`#article-rows tr`), chromedp.Click(`#t-system`),
		waitJS(`document.querySelector('#retention-period').textContent.includes('90 天')`),
		waitJS(`document.querySelector('#retention-auto').textContent.includes('每天一次')`),
		waitJS(`document.querySelector('#retention-last').textContent.includes('上次清理')`),
	)
}
