package answer

import "strings"

// caseNumberRE matches a Chinese case number such as （2025）辽0102民初1234号 on normalised text
// (half-width digits and brackets, simplified characters), allowing spaces between the parts and
// the 〔〕 and [] brackets seen in older documents.
var caseNumberRE = re(`[(（〔\[【]\s*((?:19|20)\d{2})\s*[)）〕\]】]\s*([\p{Han}]{0,2}?)\s*(\d{0,6})\s*([\p{Han}]{1,8}?)\s*(\d{1,6})\s*号`)

// bareCaseNumberRE matches a case number typed without brackets (2024辽02民初5566号,
// 2025辽01民终88, 2024辽02执678); the type code is then required right after the court part, so
// that dates and amounts are not taken for case numbers.
var bareCaseNumberRE = re(`((?:19|20)\d{2})\s*([\p{Han}]{1,2})\s*(\d{0,6})\s*((?:民|刑|行|执|破|商|知|赔)[\p{Han}]{0,3}?)\s*(\d{1,6})\s*号?`)

// arbitrationNumberRE matches an arbitration commission's case number: 沈仲字〔2024〕第123号.
var arbitrationNumberRE = re(`[\p{Han}]{1,4}仲(?:裁)?字?\s*[(（〔\[【]\s*(?:19|20)\d{2}\s*[)）〕\]】]\s*第?\s*\d{1,6}\s*号`)

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
	if m := bareCaseNumberRE.FindStringSubmatch(norm); m != nil {
		return "（" + m[1] + "）" + m[2] + m[3] + m[4] + m[5] + "号"
	}
	if m := arbitrationNumberRE.FindString(norm); m != "" {
		return strings.Join(strings.Fields(m), "")
	}
	return ""
}
