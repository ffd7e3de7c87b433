package main

import (
	"fmt"
	"github.com/courtdesk/courtdesk/internal/pgtest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Two real `courtdesk serve` processes on one PostgreSQL database behave as one service: what
// happens on one replica is live on the other, one ticket has one owner, a judge's capacity holds
// across both, and a replica killed during traffic loses and duplicates nothing and catches up when
// it comes back.
func TestTwoReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	a, b, admin, bin := startCluster(t)
	judgeA := judgeOn(t, admin, a, "judge.a")
	judgeB := judgeOn(t, admin, b, "judge.b")

	t.Run("EscalationOnAAnsweredOnB", func(t *testing.T) {
		console := dialJudge(t, b.srv(), judgeB)
		ent := dialChat(t, a.srv(), "")
		ent.hello()
		ent.ask("q1", "公司账户被冻结了怎么办")
		form := validForm("账户被冻结，请法官指导")
		form["impact"] = map[string]any{"seized": "基本户存款", "payroll_stopped": true, "employees": 40}
		ent.send(map[string]any{"type": "escalate", "id": "e1", "form": form})
		if st := ent.untilType("escalation_status"); st.str("mode") != "waiting" {
			t.Fatalf("enterprise status %v", st)
		}
		// B's console hears of the ticket escalated on A.
		console.until(func(f frame) bool { return f.typ() == "queue" })
		id := waitingTicket(t, judgeB)
		path := fmt.Sprintf("/api/v1/judge/tickets/%d", id)
		if code, out := judgeB.do("POST", path+"/claim", nil); code != 200 {
			t.Fatalf("claim on B: %d %v", code, out)
		}
		ent.until("with_judge", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "with_judge" })
		if code, _ := judgeB.do("POST", path+"/reply", map[string]string{"text": "您好，请先核实冻结的法院和案号，可以**申请执行异议**。"}); code != 200 {
			t.Fatalf("reply on B: %d", code)
		}
		if jm := ent.untilType("judge_message"); !strings.Contains(jm.str("text"), "申请执行异议") {
			t.Fatalf("enterprise on A got %v", jm)
		}
		if code, _ := judgeB.do("POST", path+"/resolve", map[string]string{"closing": "感谢咨询。"}); code != 200 {
			t.Fatalf("resolve on B: %d", code)
		}
		ent.until("resolved", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "resolved" })
	})

	t.Run("ClaimRaceAcrossReplicas", func(t *testing.T) {
		ent := dialChat(t, a.srv(), "")
		ent.hello()
		ent.ask("q1", "工资被拖欠了怎么办")
		ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("工资被拖欠三个月")})
		ent.untilType("escalation_status")
		id := waitingTicket(t, judgeA)
		path := fmt.Sprintf("/api/v1/judge/tickets/%d/claim", id)
		codes := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, j := range []*apiClient{judgeA, judgeB} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i], _ = j.do("POST", path, nil)
			}()
		}
		close(start)
		wg.Wait()
		wins := 0
		for _, c := range codes {
			switch c {
			case 200:
				wins++
			case 409:
			default:
				t.Fatalf("claim answered %d", c)
			}
		}
		if wins != 1 {
			t.Fatalf("claims on A and B: %v, want exactly one 200", codes)
		}
	})

	t.Run("ClaimsWithinCapacityAcrossReplicas", func(t *testing.T) { claimsWithinCapacity(t, a, b, admin) })

	t.Run("ArticlePublishedOnAAnswersOnB", func(t *testing.T) {
		q := "跨境电商平台把我们的网店封号了怎么维权"
		art := map[string]any{"slug": "ip-platform-store-ban", "title": "跨境电商平台封店封号的维权途径", "category": "ip",
			"kind": "compliance_advice", "questions": []string{"电商平台把网店封号了怎么办", "网店被封号 维权"},
			"summary": "平台封店应有规则依据并提供申诉渠道。", "body": "## 常见风险\n平台封号应当有规则依据。",
			"legal_basis": []string{"《中华人民共和国电子商务法》"}, "tags": []string{"封号"}}
		if code, out := admin.do("POST", "/api/v1/admin/articles", map[string]any{"article": art, "note": "新建"}); code != 201 {
			t.Fatalf("create on A: %d %v", code, out)
		}
		if askTop(t, b.base, q) == "ip-platform-store-ban" {
			t.Fatal("a draft answers on B")
		}
		if code, out := admin.do("POST", "/api/v1/admin/articles/ip-platform-store-ban/status",
			map[string]any{"status": "published", "base_version": 1}); code != 200 {
			t.Fatalf("publish on A: %d %v", code, out)
		}
		if !eventually(t.Context(), 2*time.Second, func() bool { return askTop(t, b.base, q) == "ip-platform-store-ban" }) {
			t.Fatal("the article published on A does not answer on B within 2 s")
		}
		if code, _ := admin.do("POST", "/api/v1/admin/articles/ip-platform-store-ban/status",
			map[string]any{"status": "archived", "base_version": 2}); code != 200 {
			t.Fatalf("archive on A: %d", code)
		}
		if !eventually(t.Context(), 2*time.Second, func() bool { return askTop(t, b.base, q) != "ip-platform-store-ban" }) {
			t.Fatal("the article archived on A still answers on B after 2 s")
		}
	})

	t.Run("ImportIntoDatabaseAnswersOnB", func(t *testing.T) {
		q := "出口货物被国外买家拒收了怎么办"
		file := filepath.Join(t.TempDir(), "import.json")
		batch := `[{"slug":"trade-export-goods-rejected","title":"出口货物被国外买家拒收的处理","category":"contract",
			"kind":"compliance_advice","status":"published","questions":["出口货物被国外买家拒收了怎么办","外贸货物遭拒收"],
			"summary":"买家拒收出口货物时，先固定证据，再按合同约定的争议解决方式主张权利。","body":"## 处理步骤\n固定证据，协商或者仲裁。"}]`
		if err := os.WriteFile(file, []byte(batch), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "import", file)
		cmd.Env = a.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("courtdesk import: %v\n%s", err, out)
		}
		if !eventually(t.Context(), 2*time.Second, func() bool { return askTop(t, b.base, q) == "trade-export-goods-rejected" }) {
			t.Fatal("the article imported into the database does not answer on B within 2 s")
		}
	})

	t.Run("SynonymSavedOnBChangesAnswerOnA", func(t *testing.T) {
		adminB := newAPIClient(t, b.base)
		if code := adminB.login("admin", "correct-horse-battery"); code != 200 {
			t.Fatalf("admin login on B: %d", code)
		}
		q := "东家一直压着我们的血汗钱，这违法吗"
		if top, _ := topSource(t, a.base, q); top == "labor-wage-arrears" {
			t.Fatal("premise: without the synonym A should not find wage arrears")
		}
		_, cur := adminB.do("GET", "/api/v1/admin/synonyms", nil)
		text, _ := cur["text"].(string)
		text += "血汗钱, 辛苦钱 => 拖欠工资 | 0.9\n"
		if code, out := adminB.do("PUT", "/api/v1/admin/synonyms", map[string]any{"text": text}); code != 200 {
			t.Fatalf("save lexicon on B: %d %v", code, out)
		}
		if !eventually(t.Context(), 2*time.Second, func() bool { top, _ := topSource(t, a.base, q); return top == "labor-wage-arrears" }) {
			t.Fatal("the lexicon saved on B does not change A's answer within 2 s")
		}
	})

	t.Run("SettingsAndDeactivationOnAReachB", func(t *testing.T) {
		adminB := newAPIClient(t, b.base)
		if code := adminB.login("admin", "correct-horse-battery"); code != 200 {
			t.Fatalf("admin login on B: %d", code)
		}
		cal := map[string]any{"open": "08:30", "close": "17:30", "holidays": []string{"2026-10-01"}, "makeup_days": []string{}}
		if code, out := admin.do("PUT", "/api/v1/admin/calendar", cal); code != 200 {
			t.Fatalf("save calendar on A: %d %v", code, out)
		}
		if !eventually(t.Context(), 2*time.Second, func() bool {
			_, got := adminB.do("GET", "/api/v1/admin/calendar", nil)
			return got["open"] == "08:30"
		}) {
			t.Fatal("the calendar saved on A is not B's within 2 s")
		}

		_, cur := admin.do("GET", "/api/v1/courts", nil)
		courts, _ := cur["courts"].([]any)
		if len(courts) < 2 {
			t.Fatalf("courts %v", cur)
		}
		last := courts[len(courts)-1].(map[string]any)
		last["court"] = "测试改名人民法院"
		if code, out := admin.do("PUT", "/api/v1/admin/courts", map[string]any{"courts": courts}); code != 200 {
			t.Fatalf("save courts on A: %d %v", code, out)
		}
		if !eventually(t.Context(), 2*time.Second, func() bool {
			_, got := adminB.do("GET", "/api/v1/courts", nil)
			return strings.Contains(fmt.Sprint(got["courts"]), "测试改名人民法院")
		}) {
			t.Fatal("the court list saved on A is not B's within 2 s")
		}

		code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": "judge.c", "display_name": "judge.c",
			"role": "judge", "court": "沈阳市中级人民法院", "capacity": 5, "password": "pw-judge.c-0001"})
		if code != 201 {
			t.Fatalf("create judge.c: %d %v", code, out)
		}
		judgeC := newAPIClient(t, b.base)
		if code := judgeC.login("judge.c", "pw-judge.c-0001"); code != 200 {
			t.Fatalf("judge.c login on B: %d", code)
		}
		console := dialJudge(t, b.srv(), judgeC)
		if code, out := admin.do("PATCH", fmt.Sprintf("/api/v1/admin/users/%d", int(out["id"].(float64))), map[string]any{"active": false}); code != 200 {
			t.Fatalf("deactivate on A: %d %v", code, out)
		}
		if code := console.closed(); code != websocket.ClosePolicyViolation {
			t.Fatalf("judge socket on B after deactivation on A closed with %d", code)
		}
	})

	t.Run("KillBDuringTraffic", func(t *testing.T) { killDuringTraffic(t, a, b, admin) })
}

// startCluster runs replicas A and B of one fresh schema and signs the admin in on A.
func startCluster(t *testing.T) (a, b *replica, admin *apiClient, bin string) {
	t.Helper()
	dsn := pgtest.DSN(t)
	bin = buildBinary(t)
	const secret = "two-replicas-share-this-secret-0123456789"
	a = newReplica(t, "A", bin, dsn, secret)
	b = newReplica(t, "B", bin, dsn, secret)
	a.start() // migrates and seeds
	b.start()
	admin = newAPIClient(t, a.base)
	if code := admin.login("admin", "correct-horse-battery"); code != 200 {
		t.Fatalf("admin login on A: %d", code)
	}
	return a, b, admin, bin
}

// waitingTicket returns the id of the one waiting ticket the judge sees.
func waitingTicket(t *testing.T, judge *apiClient) int {
	t.Helper()
	for _, tk := range judge.tickets("") {
		if tk["state"] == "waiting" {
			return int(tk["id"].(float64))
		}
	}
	t.Fatalf("no waiting ticket in %v", judge.tickets(""))
	return 0
}
