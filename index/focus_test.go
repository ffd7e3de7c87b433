package index

import "testing"

// A long story is matched on its asking sentence as well as its whole text; a short question,
// or a story without a question in it, is left as it is.
func TestFocusFindsTheAskingSentence(t *testing.T) {
	story := "我们公司前年跟一家供应商签了采购合同，对方拖着不发货，后来打官司赢了，对方一直不还钱，" +
		"法院把他列进了名单。现在他说钱已经全部还清了。他怎么把公司从失信被执行人名单上删除?谢谢"
	if got, want := focus(story), "他怎么把公司从失信被执行人名单上删除"; got != want {
		t.Errorf("focus = %q, want %q", got, want)
	}
	for _, s := range []string{
		"公司账户被冻结了怎么办?",
		"我们公司前年跟一家供应商签了采购合同，对方拖着不发货，后来打官司赢了，对方一直不还钱，法院把他列进了名单。",
	} {
		if got := focus(s); got != "" {
			t.Errorf("focus(%q) = %q, want none", s, got)
		}
	}
}
