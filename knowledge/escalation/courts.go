package escalation

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Court is one choice of the intake form's city or district list and the court that takes its
// enterprises' questions.
type Court struct {
	Code  string `json:"code"`  // administrative division code, e.g. 210100
	Name  string `json:"name"`  // city or district as the enterprise knows it
	Court string `json:"court"` // the court whose judges answer
}

// Courts is the configured list. Every holder shares one *Courts; an admin's edit replaces the
// whole snapshot atomically, so readers never see a half-changed list.
type Courts struct {
	snap atomic.Pointer[courtSnapshot]
}

type courtSnapshot struct {
	list   []Court
	byCode map[string]Court
}

// DefaultCourts is the seed list: the 14 prefecture-level cities of Liaoning and their
// intermediate people's courts.
func DefaultCourts() []Court {
	return []Court{
		{"210100", "沈阳市", "沈阳市中级人民法院"},
		{"210200", "大连市", "大连市中级人民法院"},
		{"210300", "鞍山市", "鞍山市中级人民法院"},
		{"210400", "抚顺市", "抚顺市中级人民法院"},
		{"210500", "本溪市", "本溪市中级人民法院"},
		{"210600", "丹东市", "丹东市中级人民法院"},
		{"210700", "锦州市", "锦州市中级人民法院"},
		{"210800", "营口市", "营口市中级人民法院"},
		{"210900", "阜新市", "阜新市中级人民法院"},
		{"211000", "辽阳市", "辽阳市中级人民法院"},
		{"211100", "盘锦市", "盘锦市中级人民法院"},
		{"211200", "铁岭市", "铁岭市中级人民法院"},
		{"211300", "朝阳市", "朝阳市中级人民法院"},
		{"211400", "葫芦岛市", "葫芦岛市中级人民法院"},
	}
}

// NewCourts checks and indexes a list: non-empty, unique codes, every field filled.
func NewCourts(list []Court) (*Courts, error) {
	v := &knowledge.ValidationError{}
	if len(list) == 0 {
		v.Add("", "courts", "法院列表不能为空")
	}
	c := &courtSnapshot{list: append([]Court(nil), list...), byCode: make(map[string]Court, len(list))}
	for i, ct := range list {
		item := fmt.Sprintf("#%d", i+1)
		if ct.Code == "" || len(ct.Code) > 20 {
			v.Add(item, "code", "须为 1–20 个字符")
		}
		if n := utf8.RuneCountInString(ct.Name); n == 0 || n > 30 {
			v.Add(item, "name", "须为 1–30 个字")
		}
		if n := utf8.RuneCountInString(ct.Court); n == 0 || n > 60 {
			v.Add(item, "court", "须为 1–60 个字")
		}
		if _, dup := c.byCode[ct.Code]; dup {
			v.Add(item, "code", "代码 %q 重复", ct.Code)
		}
		c.byCode[ct.Code] = ct
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := &Courts{}
	out.snap.Store(c)
	return out, nil
}

// Replace validates a new list and makes it current for every holder.
func (c *Courts) Replace(list []Court) error {
	n, err := NewCourts(list)
	if err != nil {
		return err
	}
	c.snap.Store(n.snap.Load())
	return nil
}

// ParseCourts reads a JSON array of courts, the format of the configurable list.
func ParseCourts(data []byte) (*Courts, error) {
	var list []Court
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("courts list: %v: %w", err, knowledge.ErrInvalid)
	}
	return NewCourts(list)
}

// List returns the choices in display order.
func (c *Courts) List() []Court { return append([]Court(nil), c.snap.Load().list...) }

// Lookup finds a choice by code.
func (c *Courts) Lookup(code string) (Court, bool) {
	ct, ok := c.snap.Load().byCode[code]
	return ct, ok
}

// CourtNames returns the distinct courts of the list, in list order: the choices of a judge
// account's court.
func CourtNames(list []Court) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range list {
		if !seen[c.Court] {
			seen[c.Court] = true
			out = append(out, c.Court)
		}
	}
	return out
}

// CheckAccountCourt checks the court of an account against the court list and returns it as
// the court's name. A judge needs a court of the list: the queue shows a judge the tickets of
// that court, so an unknown name (大连中院 for 大连市中级人民法院) would leave the judge with
// an empty queue. The code of one of the court's regions is accepted and named. An admin may have
// no court.
func CheckAccountCourt(list []Court, role knowledge.Role, court string) (string, error) {
	court = strings.TrimSpace(court)
	for _, c := range list {
		if court != "" && (c.Court == court || c.Code == court) {
			return c.Court, nil
		}
	}
	v := &knowledge.ValidationError{}
	names := strings.Join(CourtNames(list), "、")
	switch {
	case court == "" && role != knowledge.RoleJudge:
		return "", nil
	case court == "":
		v.Add("", "court", "法官账号须选择所属法院：%s", names)
	default:
		v.Add("", "court", "法院列表中没有“%s”，请选择：%s", court, names)
	}
	return court, v
}
