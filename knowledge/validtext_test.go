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

// One walk refuses what CheckText refuses and cleans what CleanStrings cleans: a raw field keeps
// its invisible characters but not a NUL, and a bad map key is refused like a bad value.
func TestCheckAndCleanDoesBoth(t *testing.T) {
	type req struct {
		Name     string            `json:"name"`
		Password string            `json:"password" text:"raw"`
		Extra    map[string]any    `json:"extra"`
		Labels   map[string]string `json:"labels"`
	}
	r := req{Name: "李\u200b法官", Password: "pw\u200b", Extra: map[string]any{"k": "w\u202e", "n": 1.0},
		Labels: map[string]string{"a": "b\u200d"}}
	if err := CheckAndClean(&r); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	if r.Name != "李法官" || r.Password != "pw\u200b" || r.Extra["k"] != "w" || r.Extra["n"] != 1.0 || r.Labels["a"] != "b" {
		t.Fatalf("cleaned: %+v", r)
	}
	var ve *ValidationError
	r.Password = "pw\x00"
	if err := CheckAndClean(&r); !errors.As(err, &ve) || ve.Fields[0].Field != "password" {
		t.Fatalf("NUL in a raw field: %v", err)
	}
	r.Password = "pw"
	r.Labels = map[string]string{"\xff": "x"}
	if err := CheckAndClean(&r); !errors.As(err, &ve) || ve.Fields[0].Field != "labels" {
		t.Fatalf("broken UTF-8 in a map key: %v", err)
	}
}
