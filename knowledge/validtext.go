package knowledge

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s can be stored as text by every engine: valid UTF-8 with no NUL.
// PostgreSQL refuses both ("invalid byte sequence"), SQLite keeps them; neither is text a person
// typed, so both engines refuse them at the edge alike.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// InvalidTextMessage is the refusal shown for such input.
const InvalidTextMessage = "含有无效字符（如空字符 NUL 或不完整的编码），请删除后重试"

// CheckText finds the first string reachable from v (a pointer to a decoded request, as for
// CleanStrings, including fields tagged `text:"raw"`) that is not ValidText, and returns a
// *ValidationError naming its field (the JSON name of the nearest struct field), or nil.
func CheckText(v any) error {
	if field, bad := badText(reflect.ValueOf(v), "", 0); bad {
		ve := &ValidationError{}
		ve.Add("", field, "%s", InvalidTextMessage)
		return ve
	}
	return nil
}

func badText(v reflect.Value, field string, depth int) (string, bool) {
	if depth > 32 {
		return "", false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem(), field, depth+1)
		}
	case reflect.String:
		if !ValidText(v.String()) {
			return field, true
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				name = field
				if name == "" {
					name = strings.ToLower(f.Name)
				}
			}
			if got, bad := badText(v.Field(i), name, depth+1); bad {
				return got, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if got, bad := badText(v.Index(i), field, depth+1); bad {
				return got, true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if k := iter.Key(); k.Kind() == reflect.String && !ValidText(k.String()) {
				return field, true
			}
			if got, bad := badText(iter.Value(), field, depth+1); bad {
				return got, true
			}
		}
	}
	return "", false
}
