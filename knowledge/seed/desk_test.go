package seed

import (
	"regexp"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"
)

var weekdays = map[string]time.Weekday{"日": time.Sunday, "一": time.Monday, "二": time.Tuesday, "三": time.Wednesday,
	"四": time.Thursday, "五": time.Friday, "六": time.Saturday}

// The preset's dates agree with themselves: every weekday named in a note is the date's weekday,
// every 调休 working day is a Saturday or Sunday, no day is both, and the lengths stated (共N天)
// are the ranges' lengths.
func TestHolidayPresetIsConsistent(t *testing.T) {
	rs, err := HolidayRanges()
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`(?:(\d+)月)?(\d+)日（周(.)`)
	days := regexp.MustCompile(`共(\d+)天`)
	seen := map[string]bool{}
	for _, r := range rs {
		from, _ := time.Parse("2006-01-02", r.From)
		to, _ := time.Parse("2006-01-02", r.To)
		if r.Workday {
			if wd := from.Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("line %d: 调休上班日 %s is a %s", r.Line, r.From, wd)
			}
			if m := regexp.MustCompile(`（周(.)）`).FindStringSubmatch(r.Note); m == nil || weekdays[m[1]] != from.Weekday() {
				t.Errorf("line %d: %s is a %s, the note says %q", r.Line, r.From, from.Weekday(), r.Note)
			}
		}
		month := int(from.Month())
		for _, m := range named.FindAllStringSubmatch(r.Note, -1) {
			if m[1] != "" {
				month, _ = strconv.Atoi(m[1])
			}
			day, _ := strconv.Atoi(m[2])
			d := time.Date(from.Year(), time.Month(month), day, 0, 0, 0, 0, time.UTC)
			if d.Before(from) || d.After(to) || d.Weekday() != weekdays[m[3]] {
				t.Errorf("line %d: %d月%d日 is a %s outside or unlike %q", r.Line, month, day, d.Weekday(), r.Note)
			}
		}
		if m := days.FindStringSubmatch(r.Note); m != nil {
			if n, _ := strconv.Atoi(m[1]); n != int(to.Sub(from).Hours()/24)+1 {
				t.Errorf("line %d: %s..%s is not %d days", r.Line, r.From, r.To, n)
			}
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			k := d.Format("2006-01-02")
			if seen[k] {
				t.Errorf("line %d: %s listed twice", r.Line, k)
			}
			seen[k] = true
		}
	}
	off, worked := Holidays()
	// 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7; six 调休 working days.
	if len(off) != 33 || len(worked) != 6 {
		t.Fatalf("%d days off, %d worked: %v %v", len(off), len(worked), off, worked)
	}
}

func TestCannedRepliesStarterSet(t *testing.T) {
	rs := CannedReplies()
	if len(rs) < 8 || len(rs) > 12 {
		t.Fatalf("%d starter replies", len(rs))
	}
	titles := map[string]bool{}
	for _, r := range rs {
		if titles[r.Title] || utf8.RuneCountInString(r.Body) > 4000 || r.Body == "" {
			t.Errorf("bad or repeated template %q", r.Title)
		}
		titles[r.Title] = true
	}
}
