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
	return textWalk{check: true}.run(v)
}

// CheckAndClean is CheckText and then CleanStrings in one walk over v, as every edge needs both.
// On an error v may be partly cleaned; the request is refused anyway.
func CheckAndClean(v any) error {
	return textWalk{check: true, clean: true}.run(v)
}

// textWalk visits every string of a decoded request: check refuses text no engine stores (NUL,
// broken UTF-8), clean removes invisible characters outside fields tagged `text:"raw"`.
type textWalk struct{ check, clean bool }

func (w textWalk) run(v any) error {
	if field, bad := w.walk(reflect.ValueOf(v), "", false, 0); bad {
		ve := &ValidationError{}
		ve.Add("", field, "%s", InvalidTextMessage)
		return ve
	}
	return nil
}

// walk returns the JSON name of the field holding the first bad string, if check finds one.
func (w textWalk) walk(v reflect.Value, field string, raw bool, depth int) (string, bool) {
	if depth > 32 {
		return "", false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		e := v.Elem()
		if v.Kind() != reflect.Interface || e.Kind() != reflect.String {
			return w.walk(e, field, raw, depth+1)
		}
		// A string in an interface cannot be set through Elem: replace the interface's value.
		if w.check && !ValidText(e.String()) {
			return field, true
		}
		if w.clean && !raw && v.CanSet() {
			v.Set(reflect.ValueOf(CleanText(e.String())).Convert(e.Type()))
		}
	case reflect.String:
		if w.check && !ValidText(v.String()) {
			return field, true
		}
		if w.clean && !raw && v.CanSet() {
			v.SetString(CleanText(v.String()))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			f := t.Field(i)
			fraw := raw || f.Tag.Get("text") == "raw"
			if !f.IsExported() || fraw && !w.check {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				name = field
				if name == "" {
					name = strings.ToLower(f.Name)
				}
			}
			if got, bad := w.walk(v.Field(i), name, fraw, depth+1); bad {
				return got, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if got, bad := w.walk(v.Index(i), field, raw, depth+1); bad {
				return got, true
			}
		}
	case reflect.Map:
		if v.IsNil() {
			return "", false
		}
		iter := v.MapRange()
		for iter.Next() {
			if k := iter.Key(); w.check && k.Kind() == reflect.String && !ValidText(k.String()) {
				return field, true
			}
			// Map values cannot be set in place: clean a copy and store it back.
			val := reflect.New(iter.Value().Type()).Elem()
			val.Set(iter.Value())
			if got, bad := w.walk(val, field, raw, depth+1); bad {
				return got, true
			}
			if w.clean && !raw {
				v.SetMapIndex(iter.Key(), val)
			}
		}
	}
	return "", false
}
