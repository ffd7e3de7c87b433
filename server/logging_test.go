package main

import (
	"bytes"
	"strings"
	"testing"
)

// Every command's logger masks personal data, in both formats: a chat message with a mobile
// number, an ID number and a credit code never reaches the log as typed.
func TestLoggerMasksPersonalData(t *testing.T) {
	t.Parallel()
	chat := "我们公司（统一社会信用代码 91210100MA0Y12345X）被冻结账户，联系人身份证 210102199001011234，手机 138 1234 5678"
	for _, format := range []string{"text", "json"} {
		cfg := DefaultConfig()
		cfg.LogLevel, cfg.LogFormat = "debug", format
		var buf bytes.Buffer
		log := newLogger(&cfg, &buf)
		log.Debug("ws: frame", "text", chat)
		log.Error("request failed", "err", "intake: "+chat)
		out := buf.String()
		for _, secret := range []string{"91210100MA0Y12345X", "210102199001011234", "138 1234 5678", "12345678"} {
			if strings.Contains(out, secret) {
				t.Fatalf("%s log contains %q:\n%s", format, secret, out)
			}
		}
		if !strings.Contains(out, "138****5678") || !strings.Contains(out, "被冻结账户") {
			t.Fatalf("%s log lost the rest of the line:\n%s", format, out)
		}
	}
}
