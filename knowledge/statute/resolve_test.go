package statute_test

import (
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/statute"
)

func keys(n int, extra ...statute.Key) []statute.Key {
	var out []statute.Key
	for i := 1; i <= n; i++ {
		out = append(out, statute.Key{Number: i})
	}
	return append(out, extra...)
}

var day0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func at(days int) time.Time { return day0.AddDate(0, 0, days) }

// resolveOne extracts the single citation of text and resolves it.
func resolveOne(t *testing.T, r *statute.Resolver, text string, citedAt time.Time) statute.Resolution {
	t.Helper()
	rs := r.ResolveText(text, citedAt)
	if len(rs) != 1 {
		t.Fatalf("%q: %d citations", text, len(rs))
	}
	return rs[0]
}

func TestResolveTitlesAndRanges(t *testing.T) {
	r := statute.NewResolver([]statute.Version{
		{ID: 1, Title: "中华人民共和国劳动合同法", Version: "2012-12-28", Articles: keys(98), Current: true, ImportedAt: at(0)},
		{ID: 2, Title: "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", Version: "2022-04-02", Articles: keys(550),
			Current: true, ImportedAt: at(0)},
		{ID: 3, Title: "中华人民共和国刑法", Version: "2023-12-29", Current: true, ImportedAt: at(0),
			Articles: append(keys(260, statute.Key{Number: 260, Suffix: "之一"}), statute.Key{Number: 452})},
	})
	if r.Documents() != 3 || !r.Has("劳动合同法") || r.Has("劳动法") {
		t.Fatalf("documents = %d", r.Documents())
	}
	for text, want := range map[string]statute.Status{
		"《中华人民共和国劳动合同法》第四十七条":                 statute.StatusResolved,
		"《劳动合同法》第四十七条第二款":                     statute.StatusResolved,
		"《劳动合同法》第九十八条":                        statute.StatusResolved,
		"《劳动合同法》第九十九条":                        statute.StatusOutOfRange,
		"《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第二条":    statute.StatusResolved,
		"《最高人民法院关于适用《中华人民共和国民事诉讼法》的解释》第五百五十条": statute.StatusResolved,
		"《最高人民法院关于适用〈民事诉讼法〉的解释》第五百五十一条":       statute.StatusOutOfRange,
		"《刑法》第二百六十条之一":                        statute.StatusResolved,
		"《刑法》第二百六十条之二":                        statute.StatusOutOfRange,
		"《刑法》第三百条":                            statute.StatusOutOfRange, // a gap in the imported text
		"《中华人民共和国民营经济促进法》第二条":                 statute.StatusUnknownDocument,
		"《劳动合同法》":                             statute.StatusResolved,
		"《中华人民共和国民营经济促进法》":                    statute.StatusUnknownDocument,
	} {
		res := resolveOne(t, r, text, time.Time{})
		if res.Status != want {
			t.Errorf("%s: status %s (%s), want %s", text, res.Status, res.Detail, want)
		}
		if problem := res.Citation.Numbered() && want != statute.StatusResolved; res.Problem() != problem {
			t.Errorf("%s: Problem() = %v", text, res.Problem())
		}
	}
	res := resolveOne(t, r, "《劳动合同法》第四十七条", time.Time{})
	if res.VersionID != 1 || res.Document != "中华人民共和国劳动合同法" || res.Version != "2012-12-28" {
		t.Errorf("resolution = %+v", res)
	}
	if res := resolveOne(t, r, "《劳动合同法》第九十九条", time.Time{}); res.Detail != "beyond the last article, 第九十八条" {
		t.Errorf("detail = %q", res.Detail)
	}
}

// A text saved before a newer version was imported cites the replaced one until it is saved again.
func TestResolveSuperseded(t *testing.T) {
	r := statute.NewResolver([]statute.Version{
		{ID: 1, Title: "中华人民共和国公司法", Version: "2018-10-26", Articles: keys(218), ImportedAt: at(10), SupersededAt: at(20)},
		{ID: 2, Title: "中华人民共和国公司法", Version: "2023-12-29", Articles: keys(266), Current: true, ImportedAt: at(20)},
		// An older text imported later is history only: it was never current.
		{ID: 3, Title: "中华人民共和国公司法", Version: "2013-12-28", Articles: keys(218), ImportedAt: at(30), SupersededAt: at(30)},
		{ID: 4, Title: "中华人民共和国劳动法", Version: "2018-12-29", Articles: keys(107), Current: true, ImportedAt: at(10)},
	})
	for _, tc := range []struct {
		citedAt time.Time
		want    statute.Status
		cited   string
	}{
		{time.Time{}, statute.StatusResolved, ""},
		{at(5), statute.StatusSuperseded, "2018-10-26"}, // saved before any import: checked against the first
		{at(15), statute.StatusSuperseded, "2018-10-26"},
		{at(20), statute.StatusResolved, ""},
		{at(35), statute.StatusResolved, ""},
	} {
		res := resolveOne(t, r, "《公司法》第七十一条", tc.citedAt)
		if res.Status != tc.want || res.CitedVersion != tc.cited || res.VersionID != 2 {
			t.Errorf("cited at %v: %+v", tc.citedAt, res)
		}
		if tc.want == statute.StatusSuperseded && !res.Problem() {
			t.Errorf("a superseded citation is not a problem")
		}
	}
	// A single version never makes a citation superseded, and a citation by name is not checked.
	if res := resolveOne(t, r, "《劳动法》第四十四条", at(5)); res.Status != statute.StatusResolved {
		t.Errorf("only version: %+v", res)
	}
	if res := resolveOne(t, r, "《公司法》", at(5)); res.Status != statute.StatusResolved || res.Problem() {
		t.Errorf("by name: %+v", res)
	}
	// Out of range in the current version wins over superseded: the number no longer exists.
	if res := resolveOne(t, r, "《公司法》第二百七十条", at(15)); res.Status != statute.StatusOutOfRange {
		t.Errorf("gone in the new version: %+v", res)
	}
}

// A bare citation resolves to the version in force on the day, not to the newest import: the
// revised 仲裁法, imported in September 2025, applies only from 2026-03-01, and until then the chat
// shows the 2017 text with a note that a new one is coming.
func TestResolveVersionInForce(t *testing.T) {
	r := statute.NewResolver([]statute.Version{
		{ID: 1, Title: "中华人民共和国仲裁法", Version: "2017-09-01", InForce: "2017-09-01", Articles: keys(80),
			ImportedAt: at(0), SupersededAt: at(300)},
		{ID: 2, Title: "中华人民共和国仲裁法", Version: "2025-09-12", InForce: "2026-03-01", Articles: keys(96),
			Current: true, ImportedAt: at(300)},
	})
	const cite = "《中华人民共和国仲裁法》第九十条"
	before := resolveOne(t, r.At(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)), cite, time.Time{})
	if before.VersionID != 1 || before.Status != statute.StatusOutOfRange || before.Pending != "2026-03-01" {
		t.Fatalf("before 2026-03-01: %+v, want the 2017 text (80 articles) with the 2025 text pending", before)
	}
	after := resolveOne(t, r.At(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)), cite, time.Time{})
	if after.VersionID != 2 || after.Status != statute.StatusResolved || after.InForce != "2026-03-01" || after.Pending != "" {
		t.Fatalf("after 2026-03-01: %+v, want the 2025 text in force", after)
	}
}

// The date of effect comes from the text's own 起施行 clause when it is later than the version.
func TestParseInForce(t *testing.T) {
	src := "# 中华人民共和国仲裁法\n\n2025年9月12日 第十四届全国人民代表大会常务委员会第十七次会议修订\n\n<!-- INFO END -->\n\n" +
		"第一条 为保证公正、及时地仲裁经济纠纷，制定本法。\n\n第二条 本法自2026年3月1日起施行。\n"
	d, err := statute.Parse("仲裁法(2025-09-12).md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "2025-09-12" || d.InForce != "2026-03-01" {
		t.Fatalf("version %q in force %q", d.Version, d.InForce)
	}
	old := "# 中华人民共和国劳动合同法\n\n2012年12月28日 修正\n\n<!-- INFO END -->\n\n第一条 为了完善劳动合同制度，制定本法。\n\n第二条 本法自2008年1月1日起施行。\n"
	if d, err := statute.Parse("劳动合同法(2012-12-28).md", []byte(old)); err != nil || d.InForce != "2012-12-28" {
		t.Fatalf("an amendment counts from its own date: %q %v", d.InForce, err)
	}
}
