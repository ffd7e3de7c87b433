package answer

import "testing"

func TestWantsVisit(t *testing.T) {
	for q, want := range map[string]bool{
		"想请法官来企业讲课":      true,
		"怎么预约法官进企业":      true,
		"我们园区想做一次合规体检":   true,
		"能邀请法院的法官到商会座谈吗": true,
		"以案释法讲座怎么申请":     true,
		"员工加班费怎么算":       false,
		"法官迟迟不执行怎么办":     false,
		"我想申请法官回避":       false,
		"公司被法院冻结账户了":     false,
	} {
		if got := WantsVisit(q); got != want {
			t.Errorf("WantsVisit(%q) = %v, want %v", q, got, want)
		}
	}
}
