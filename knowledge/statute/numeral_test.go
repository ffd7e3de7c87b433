package statute

import (
	"errors"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
)

func TestFormatNumeral(t *testing.T) {
	for n, want := range map[int]string{
		1: "一", 9: "九", 10: "十", 11: "十一", 15: "十五", 20: "二十", 99: "九十九", 100: "一百", 101: "一百零一",
		108: "一百零八", 110: "一百一十", 111: "一百一十一", 205: "二百零五", 999: "九百九十九", 1000: "一千",
		1001: "一千零一", 1010: "一千零一十", 1033: "一千零三十三", 1100: "一千一百", 1260: "一千二百六十",
		2008: "二千零八", 9999: "九千九百九十九", 0: "", -3: "", 10000: "",
	} {
		if got := FormatNumeral(n); got != want {
			t.Errorf("FormatNumeral(%d) = %q, want %q", n, got, want)
		}
	}
}

// Every number reads back to itself, so labels written by FormatNumeral and those in statute files
// (which use the same form) meet.
func TestNumeralRoundTrip(t *testing.T) {
	for n := 1; n <= MaxNumber; n++ {
		s := FormatNumeral(n)
		got, err := ParseNumeral(s)
		if err != nil || got != n {
			t.Fatalf("ParseNumeral(%q) = %d, %v; want %d", s, got, err, n)
		}
	}
}

func TestParseNumeralVariantsAndErrors(t *testing.T) {
	for s, want := range map[string]int{"一十五": 15, "一百〇八": 108, "两百": 200, "二千零八": 2008, "十": 10} {
		if got, err := ParseNumeral(s); err != nil || got != want {
			t.Errorf("ParseNumeral(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "零", "〇", "一二", "百十", "十十", "一百零十", "一千零", "五十零", "一万", "十五条",
		"abc", "一百一", "九千九百九十九十"} {
		if n, err := ParseNumeral(s); !errors.Is(err, knowledge.ErrInvalid) {
			t.Errorf("ParseNumeral(%q) = %d, %v; want ErrInvalid", s, n, err)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for s, want := range map[string]int{"47": 47, "４７": 47, "四十七": 47, "9999": 9999, "007": 7} {
		if got, err := ParseNumber(s); err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "10000", "99999999999999999999", "4七"} {
		if n, err := ParseNumber(s); err == nil {
			t.Errorf("ParseNumber(%q) = %d, want an error", s, n)
		}
	}
}

func TestKeyOrderAndLabel(t *testing.T) {
	ks := []Key{{17, ""}, {17, "之一"}, {17, "之二"}, {17, "之十"}, {18, ""}}
	for i := 1; i < len(ks); i++ {
		if !ks[i-1].Less(ks[i]) || ks[i].Less(ks[i-1]) {
			t.Errorf("%v should sort before %v", ks[i-1], ks[i])
		}
	}
	if got := (Key{260, "之一"}).Label(); got != "第二百六十条之一" {
		t.Errorf("label = %q", got)
	}
}
