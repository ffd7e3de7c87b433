package seed

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

//go:embed holidays.txt
var holidays string

//go:embed canned.md
var canned string

// HolidayRange is one line of holidays.txt: a run of days off (休) or one 调休 working day (班).
type HolidayRange struct {
	From, To string // YYYY-MM-DD, inclusive
	Workday  bool   // 班: a weekend day worked in place of a holiday
	Note     string
	Line     int
}

// HolidayRanges parses holidays.txt, the preset of the working calendar (2026 public holidays and
// 调休 working days of the State Council notice).
func HolidayRanges() ([]HolidayRange, error) {
	v := &knowledge.ValidationError{}
	var out []HolidayRange
	for i, line := range strings.Split(holidays, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		r := HolidayRange{Line: i + 1}
		if len(f) >= 3 && f[1] == "至" {
			r.From, r.To, f = f[0], f[2], f[3:]
		} else {
			r.From, r.To, f = f[0], f[0], f[1:]
		}
		if len(f) < 1 || (f[0] != "休" && f[0] != "班") {
			v.Add("", "holidays", "第 %d 行：应为“日期 [至 日期] 休|班 说明”", i+1)
			continue
		}
		r.Workday, r.Note = f[0] == "班", strings.Join(f[1:], " ")
		from, err1 := time.Parse("2006-01-02", r.From)
		to, err2 := time.Parse("2006-01-02", r.To)
		if err1 != nil || err2 != nil || to.Before(from) || (r.Workday && r.From != r.To) {
			v.Add("", "holidays", "第 %d 行：日期有误", i+1)
			continue
		}
		out = append(out, r)
	}
	return out, v.Err()
}

// Holidays returns the preset's days off and 调休 working days as YYYY-MM-DD lists, the form of
// the calendar settings. The file is part of the binary and checked by the tests, so a parse
// error here is a programming error.
func Holidays() (off, worked []string) {
	rs, err := HolidayRanges()
	if err != nil {
		panic(fmt.Sprintf("seed holidays: %v", err))
	}
	for _, r := range rs {
		from, _ := time.Parse("2006-01-02", r.From)
		to, _ := time.Parse("2006-01-02", r.To)
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			if r.Workday {
				worked = append(worked, d.Format("2006-01-02"))
			} else {
				off = append(off, d.Format("2006-01-02"))
			}
		}
	}
	return off, worked
}

// Reply is one starter template of the judges' quick replies.
type Reply struct {
	Title string
	Body  string
}

// CannedReplies returns the starter set of judges' quick replies (canned.md): each "## 标题"
// starts a template whose body runs to the next one.
func CannedReplies() []Reply {
	var out []Reply
	text := canned
	if i := strings.Index(text, "-->"); strings.HasPrefix(strings.TrimSpace(text), "<!--") && i >= 0 {
		text = text[i+3:]
	}
	for _, block := range strings.Split(text, "\n## ")[1:] {
		title, body, _ := strings.Cut(block, "\n")
		title, body = strings.TrimSpace(title), strings.TrimSpace(body)
		if title == "" || body == "" || utf8.RuneCountInString(title) > 40 {
			panic(fmt.Sprintf("seed canned replies: bad template %q", title))
		}
		out = append(out, Reply{Title: title, Body: body})
	}
	return out
}
