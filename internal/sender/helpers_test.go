package sender_test

import (
	"encoding/base64"
	"mime"
	"strings"
	"testing"
)

type mimeDecoder = mime.WordDecoder

func b64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(s))
	if err != nil {
		t.Fatalf("body is not base64: %v", err)
	}
	return string(b)
}
