package knowledge

import (
	"errors"
	"testing"
)

func TestCheckTextNamesTheField(t *testing.T) {
	type intake struct {
		Company string   `json:"company"`
		Topics  []string `json:"topics"`
	}
	req := struct {
		Form     intake `json:"form"`
		Password string `json:"password" text:"raw"`
	}{Form: intake{Company: "沈阳机械", Topics: []string{"劳动", "执行\x00"}}}
	var ve *ValidationError
	if err := CheckText(&req); !errors.As(err, &ve) || ve.Fields[0].Field != "topics" || !errors.Is(err, ErrInvalid) {
		t.Fatalf("NUL in a list: %v", err)
	}
	req.Form.Topics = []string{"劳动"}
	if err := CheckText(&req); err != nil {
		t.Fatalf("clean request refused: %v", err)
	}
	req.Password = "pw\xff"
	if err := CheckText(&req); !errors.As(err, &ve) || ve.Fields[0].Field != "password" {
		t.Fatalf("broken UTF-8 in a raw field: %v", err)
	}
	if ValidText("a\x00b") || ValidText("\xc3") || !ValidText("加班费\n") {
		t.Fatal("ValidText")
	}
}
