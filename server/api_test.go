package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

type apiResp struct {
	status int
	body   map[string]any
	raw    string
}

func post(t *testing.T, url, ctype, body string) apiResp {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := apiResp{status: resp.StatusCode, raw: string(b)}
	_ = json.Unmarshal(b, &r.body)
	return r
}

func errCode(r apiResp) string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	if msg == "" {
		return ""
	}
	return code
}

func TestAskAnswersWithSourcesAndDisclaimer(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	r := post(t, srv.URL+"/api/v1/ask", "application/json", `{"question":"員工週末加班，加班費怎麼算？"}`)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	if r.body["intent"] != "answer" {
		t.Fatalf("intent %v: %s", r.body["intent"], r.raw)
	}
	sources := r.body["sources"].([]any)
	top := sources[0].(map[string]any)
	if top["slug"] != "labor-overtime-pay" || top["title"] == "" || top["category"] != "labor" {
		t.Fatalf("top source %v", top)
	}
	ans := r.body["answer"].(string)
	for _, want := range []string{"法律依据", "/kb/labor-overtime-pay", "不代表法院对任何具体案件的意见"} {
		if !strings.Contains(ans, want) {
			t.Errorf("answer lacks %q: %s", want, ans)
		}
	}
	if c := r.body["confidence"].(float64); c <= 0 || c > 1 {
		t.Errorf("confidence %v", c)
	}
	if _, ok := r.body["terms"]; ok {
		t.Error("the public API leaks the test-console explanation")
	}
}

func TestAskEscalatesCaseNumberAndKeepsSources(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	r := post(t, srv.URL+"/api/v1/ask", "application/json",
		`{"question":"我們的案子（２０２５）遼０１０２民初１２３４號下週開庭，賬戶被凍結的問題法院會怎麼判？"}`)
	if r.status != 200 || r.body["intent"] != "escalate" {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	esc := r.body["escalation"].(map[string]any)
	if esc["suggested"] != true || esc["reason"] != "specific_case" {
		t.Fatalf("escalation %v", esc)
	}
	if r.body["case_number"] != "（2025）辽0102民初1234号" {
		t.Fatalf("case number %v", r.body["case_number"])
	}
}

func TestAskRejectsBadInputWithJSONErrors(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	url := srv.URL + "/api/v1/ask"
	cases := []struct {
		name, ctype, body string
		status            int
		code              string
	}{
		{"empty question", "application/json", `{"question":"   "}`, 400, "invalid"},
		{"too long", "application/json", `{"question":"` + strings.Repeat("问", 1001) + `"}`, 400, "invalid"},
		{"malformed", "application/json", `{"question":`, 400, "bad_json"},
		{"wrong type", "application/json", `{"question":42}`, 400, "bad_json"},
		{"array", "application/json", `["加班"]`, 400, "bad_json"},
		{"unknown field", "application/json", `{"question":"加班","q":"x"}`, 400, "bad_json"},
		{"two objects", "application/json", `{"question":"加班"}{"question":"x"}`, 400, "bad_json"},
		{"invalid utf-8", "application/json", "{\"question\":\"\xff\xfe\"}", 400, "invalid_utf8"},
		{"1 MB body", "application/json", `{"question":"` + strings.Repeat("a", 1<<20) + `"}`, 413, "too_large"},
		{"form post", "application/x-www-form-urlencoded", `question=x`, 415, "unsupported_media_type"},
	}
	for _, c := range cases {
		r := post(t, url, c.ctype, c.body)
		if r.status != c.status || errCode(r) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.raw, c.status, c.code)
		}
	}
	// The service is unharmed.
	if r := post(t, url, "application/json", `{"question":"竞业限制补偿金"}`); r.status != 200 {
		t.Fatalf("after bad input: %d", r.status)
	}
	resp, _ := http.Get(srv.URL + "/api/v1/nope")
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 404 || body["error"] == nil {
		t.Fatalf("unknown route: %d %v", resp.StatusCode, body)
	}
}

func TestAskRateLimitAndSwitchOff(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 2 })
	url := srv.URL + "/api/v1/ask"
	codes := []int{}
	for range 3 {
		codes = append(codes, post(t, url, "application/json", `{"question":"加班费"}`).status)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("statuses %v, want 200 200 429", codes)
	}
	_, srv = testApp(t, func(c *Config) { c.RateLimit = 0 })
	for i := range 50 {
		if s := post(t, srv.URL+"/api/v1/ask", "application/json", `{"question":"加班费"}`).status; s != 200 {
			t.Fatalf("rate limit off: request %d got %d", i, s)
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthReadyAndMetrics(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	if s, b := get(t, srv.URL+"/healthz"); s != 200 || !strings.Contains(b, "ok") {
		t.Fatalf("healthz %d %s", s, b)
	}
	if s, b := get(t, srv.URL+"/readyz"); s != 200 || !strings.Contains(b, `"ready":true`) {
		t.Fatalf("readyz %d %s", s, b)
	}
	post(t, srv.URL+"/api/v1/ask", "application/json", `{"question":"加班费怎么算"}`)
	s, b := get(t, srv.URL+"/metrics")
	seedArticles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`courtdesk_asks_total{channel="http",intent="answer"} 1`, "courtdesk_ask_duration_seconds_bucket",
		fmt.Sprintf("courtdesk_index_documents %d", len(seedArticles)), "courtdesk_build_info{"} {
		if s != 200 || !strings.Contains(b, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestArticleEndpoints(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	s, b := get(t, srv.URL+"/api/v1/articles/labor-overtime-pay")
	var a map[string]any
	json.Unmarshal([]byte(b), &a)
	if s != 200 || !strings.Contains(a["html"].(string), "<h2") || a["category_name"] != "劳动用工" {
		t.Fatalf("article api %d %s", s, b)
	}
	s, b = get(t, srv.URL+"/kb/labor-overtime-pay")
	if s != 200 || !strings.Contains(b, "<h1>") || !strings.Contains(b, "法律依据") {
		t.Fatalf("article page %d", s)
	}
	if s, _ := get(t, srv.URL+"/api/v1/articles/no-such-article"); s != 404 {
		t.Fatalf("missing article %d", s)
	}
	if s, _ := get(t, srv.URL+"/kb/..%2f..%2fetc"); s != 404 {
		t.Fatalf("odd slug %d", s)
	}
}
