package answer

import (
	"regexp"
	"strings"
)

// caseNumberRE matches a Chinese case number such as （2025）辽0102民初1234号 on normalised text
// (half-width digits and brackets, simplified characters), allowing spaces between the parts and
// the 〔〕 and [] brackets seen in older documents.
var caseNumberRE = regexp.MustCompile(`[(（〔\[【]\s*((?:19|20)\d{2})\s*[)）〕\]】]\s*([\p{Han}]{0,2})\s*(\d{0,6})\s*([\p{Han}]{1,8}?)\s*(\d{1,6})\s*号`)

// caseTypes are the type codes that end the middle part of a case number (民初, 执, 民终 …). A
// match must contain one, so that "（2023）年度报告第5号" is not a case number.
var caseTypes = []string{"民", "刑", "行", "执", "赔", "破", "商", "知", "财保", "诉前调", "司救", "立", "监", "清"}

// CaseNumber finds a case number in normalised text and returns it in the canonical form with
// full-width brackets and no spaces, or "".
func CaseNumber(norm string) string {
	for _, m := range caseNumberRE.FindAllStringSubmatch(norm, -1) {
		year, region, court, typ, num := m[1], m[2], m[3], m[4], m[5]
		ok := false
		for _, t := range caseTypes {
			if strings.Contains(typ, t) {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		return "（" + year + "）" + region + court + typ + num + "号"
	}
	return ""
}
