package answer

import "testing"

func TestCaseNumberForms(t *testing.T) {
	// Inputs are normalised text (the engine folds width and converts traditional first), so the
	// full-width and traditional forms arrive here as half-width brackets and simplified characters;
	// full-width brackets also appear in simplified input and are accepted as they are.
	cases := map[string]string{
		"我们的案子（2025）辽0102民初1234号下周开庭": "（2025）辽0102民初1234号",
		"(2025)辽0102民初1234号":          "（2025）辽0102民初1234号",
		"( 2024 ) 辽01 民终 567 号 二审":    "（2024）辽01民终567号",
		"〔2023〕辽02执恢88号":              "（2023）辽02执恢88号",
		"[2022]最高法民申1号":               "（2022）最高法民申1号",
		"（2023）年度报告第5号":               "",
		"2025年的合同":                    "",
	}
	for in, want := range cases {
		if got := CaseNumber(in); got != want {
			t.Errorf("CaseNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscalationCues(t *testing.T) {
	cases := []struct {
		q    string
		want Reason
	}{
		{"能不能帮我转人工", ReasonExplicit},
		{"我想约法官当面谈谈", ReasonExplicit},
		{"怎么申请法官回避", ReasonNone},
		{"想预约法官进企业开展普法讲座", ReasonNone},
		{"我要投诉执行法官", ReasonComplaint},
		{"对法院工作有意见可以通过哪些渠道反映", ReasonNone},
		{"书记员态度恶劣还刁难我们", ReasonComplaint},
		{"法院今天把账户冻结了，明天发不出工资", ReasonUrgent},
		{"公司账户被冻结了怎么解冻", ReasonNone},
		{"我们的案子下周开庭，你觉得能赢吗", ReasonSpecific},
		{"我们公司的案子立案后怎么查进度", ReasonNone},
	}
	for _, c := range cases {
		if got := detectReason(c.q, CaseNumber(c.q)); got != c.want {
			t.Errorf("%q: %q, want %q", c.q, got, c.want)
		}
	}
}

func TestSmalltalk(t *testing.T) {
	for _, q := range []string{"你好", "谢谢！", "您好，在吗", "你是机器人吗", "再见"} {
		if !isSmalltalk(q) {
			t.Errorf("%q should be smalltalk", q)
		}
	}
	for _, q := range []string{"你好，员工加班费怎么算", "谢谢，那竞业限制补偿金每月最少给多少"} {
		if isSmalltalk(q) {
			t.Errorf("%q carries a legal question", q)
		}
	}
}
