package escalation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// withCheck completes 17 characters with the check character the algorithm computes.
func withCheck(t *testing.T, first17 string) string {
	t.Helper()
	c := CreditCodeCheck(first17)
	if c == 0 {
		t.Fatalf("no check character for %q", first17)
	}
	return first17 + string(c)
}

func TestCreditCodeCheckCharacter(t *testing.T) {
	// The example code printed in GB 32100-2015 guidance material.
	for _, code := range []string{"91350100M000100Y43"} {
		if msg := CreditCodeProblem(code); msg != "" {
			t.Errorf("%s: %s", code, msg)
		}
	}
	// A check value of 0 must give '0', not the 31st character.
	found := false
	for i := 0; i < 1000 && !found; i++ {
		base := "91210100" + strings.Repeat("0", 5) + string("0123456789"[i/100]) + string("0123456789"[i/10%10]) +
			string("0123456789"[i%10]) + "X"
		if CreditCodeCheck(base) == '0' {
			found = CreditCodeProblem(base+"0") == ""
		}
	}
	if !found {
		t.Error("no code with check character 0 validated")
	}
}

func TestCreditCodeProblems(t *testing.T) {
	if CreditCodeCheck("91210102MA0P5ZZZ1") != 0 {
		t.Fatal("a check character for characters outside the alphabet")
	}
	good := withCheck(t, "91210102MA0P5Y4K1")
	if msg := CreditCodeProblem(good); msg != "" {
		t.Fatalf("computed code %s rejected: %s", good, msg)
	}
	wrongCheck := good[:17] + string(creditCodeChars[(strings.IndexByte(creditCodeChars, good[17])+1)%31])
	cases := map[string]string{
		good[:17]:                 "18 位",
		good + "1":                "18 位",
		wrongCheck:                "校验位",
		"91210102MA0P5Y4KI" + "1": "不允许的字符",
		"91210102MA0P5Y4KO" + "1": "不允许的字符",
		"91A10102MA0P5Y4K1" + "0": "行政区划",
		strings.ToLower(good):     "不允许的字符",
		"91210102MA0P5Y4K1" + " ": "不允许的字符",
		"９１２１０１０２MA0P5Y4K1X":      "18 位",
	}
	for code, want := range cases {
		if msg := CreditCodeProblem(code); !strings.Contains(msg, want) {
			t.Errorf("%q: got %q, want a message about %s", code, msg, want)
		}
	}
	// A single mistyped character is always caught.
	for i := 0; i < 17; i++ {
		for _, c := range []byte(creditCodeChars) {
			if c == good[i] || (i >= 2 && i < 8 && (c < '0' || c > '9')) {
				continue
			}
			typo := good[:i] + string(c) + good[i+1:]
			if CreditCodeProblem(typo) == "" {
				t.Fatalf("typo at %d (%c) in %s passed", i, c, good)
			}
		}
	}
	if got := NormalizeCreditCode(" ９１２１０１０２ma0p5y4k1" + strings.ToLower(good[17:]) + " "); got != good {
		t.Fatalf("normalise = %q, want %q", got, good)
	}
}

func testForm(t *testing.T) Form {
	return Form{Company: "沈阳某机械制造有限公司", CreditCode: withCheck(t, "91210102MA0P5Y4K1"), Contact: "王经理",
		Mobile: "138 0024 1234", City: "210100", Question: "公司基本账户被冻结，工资发不出来怎么办？"}
}

func courts(t *testing.T) *Courts {
	c, err := NewCourts(DefaultCourts())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFormValidate(t *testing.T) {
	f := testForm(t)
	f.CaseNumber = "（２０２４）辽01执123号"
	f.Normalize()
	if err := f.Validate(courts(t), "labor"); err != nil {
		t.Fatalf("valid form: %v", err)
	}
	if f.Mobile != "13800241234" || f.CaseNumber != "（2024）辽01执123号" {
		t.Fatalf("normalised form = %+v", f)
	}

	bad := Form{Company: "某", CreditCode: "91210102MA0P5Y4K10", Mobile: "12345", City: "999999", CaseNumber: "第5号",
		Reason: "nonsense"}
	bad.Normalize()
	err := bad.Validate(courts(t), "")
	var ve *knowledge.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	fields := map[string]bool{}
	for _, fe := range ve.Fields {
		fields[fe.Field] = true
	}
	for _, want := range []string{"company", "credit_code", "contact", "mobile", "city", "case_number", "question", "reason"} {
		if !fields[want] {
			t.Errorf("no error for %s in %v", want, ve.Fields)
		}
	}

	// Enforcement matters need the impact facts, whichever way they are recognised.
	for _, tc := range []struct {
		name      string
		reason    answer.Reason
		tick      bool
		specialty knowledge.Category
	}{{"reason", answer.ReasonUrgent, false, ""}, {"article category", "", false, "enforcement"}, {"ticked", "", true, "labor"}} {
		f := testForm(t)
		f.Reason, f.Enforcement = tc.reason, tc.tick
		f.Normalize()
		err := f.Validate(courts(t), tc.specialty)
		if !errors.As(err, &ve) || ve.Fields[0].Field != "impact.seized" {
			t.Errorf("%s: enforcement without impact facts: %v", tc.name, err)
		}
	}
	// Facts given for a matter that is not enforcement are dropped, so they cannot raise priority.
	f = testForm(t)
	f.Impact = &Impact{Seized: "厂房", ProductionStopped: true}
	f.Normalize()
	if err := f.Validate(courts(t), "labor"); err != nil || f.Impact != nil {
		t.Fatalf("non-enforcement impact kept: %+v, %v", f.Impact, err)
	}
}

func TestPriorityFromImpact(t *testing.T) {
	now := time.Date(2025, 3, 10, 15, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		name   string
		reason answer.Reason
		impact *Impact
		want   Priority
	}{
		{"plain question", answer.ReasonExplicit, nil, PriorityNormal},
		{"complaint", answer.ReasonComplaint, nil, PriorityHigh},
		{"urgent reason without facts", answer.ReasonUrgent, nil, PriorityHigh},
		{"seized, business goes on", "", &Impact{Seized: "一台设备", Employees: 3}, PriorityHigh},
		{"nothing seized, few affected", "", &Impact{Employees: 2}, PriorityNormal},
		{"ten employees affected", "", &Impact{Employees: 10}, PriorityHigh},
		{"production stopped", "", &Impact{Seized: "厂房", ProductionStopped: true}, PriorityUrgent},
		{"payroll stopped", "", &Impact{Seized: "基本账户", PayrollStopped: true}, PriorityUrgent},
		{"fifty employees", "", &Impact{Seized: "账户", Employees: 50}, PriorityUrgent},
		{"deadline in 3 days", "", &Impact{Seized: "账户", Deadline: "2025-03-13"}, PriorityUrgent},
		{"deadline passed", "", &Impact{Seized: "账户", Deadline: "2025-03-01"}, PriorityUrgent},
		{"deadline in 8 days", "", &Impact{Deadline: "2025-03-18"}, PriorityHigh},
		{"deadline in a month", "", &Impact{Deadline: "2025-04-10"}, PriorityNormal},
	} {
		f := Form{Reason: tc.reason, Impact: tc.impact, Enforcement: true}
		if got := f.Priority("enforcement", now); got != tc.want {
			t.Errorf("%s: priority %s (%d), want %s (%d)", tc.name, got.Name(), got, tc.want.Name(), tc.want)
		}
	}
}

func TestCourts(t *testing.T) {
	c := courts(t)
	if len(c.List()) != 14 {
		t.Fatalf("seed list has %d cities, want Liaoning's 14", len(c.List()))
	}
	if ct, ok := c.Lookup("211400"); !ok || ct.Court != "葫芦岛市中级人民法院" {
		t.Fatalf("lookup = %+v", ct)
	}
	if _, err := ParseCourts([]byte(`[{"code":"1","name":"甲","court":"甲法院"},{"code":"1","name":"乙","court":"乙法院"}]`)); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("duplicate code accepted: %v", err)
	}
	if _, err := ParseCourts([]byte(`[]`)); err == nil {
		t.Fatal("empty list accepted")
	}
}
