package knowledge

import (
	"time"
	"unicode/utf8"
)

// Role is what an account may do.
type Role string

// Roles. Enterprises are not accounts: they hold a signed visitor token instead.
const (
	RoleJudge Role = "judge"
	RoleAdmin Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleJudge || r == RoleAdmin }

// User is a judge or admin account.
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Role        Role       `json:"role"`
	Court       string     `json:"court"`
	Specialties []Category `json:"specialties"`
	Capacity    int        `json:"capacity"`
	Active      bool       `json:"active"`
	// CanVisits lets a judge accept, schedule and staff the 法官进企业 requests of their court.
	CanVisits bool `json:"can_visits"`
	// AllCourts lets a judge read and act on every court's tickets; without it a judge works on
	// their own court's tickets and those transferred to them. Admins always may.
	AllCourts    bool      `json:"all_courts"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// DefaultCapacity is the number of open claimed tickets a judge may hold unless set otherwise.
const DefaultCapacity = 5

// MinPasswordLen is the shortest password accepted for an account.
const MinPasswordLen = 10

// Validate checks an account's fields (not its password, which is never stored in clear).
func (u *User) Validate() error {
	v := &ValidationError{}
	if n := utf8.RuneCountInString(u.Username); n < 2 || n > 40 || !usernameOK(u.Username) {
		v.Add("", "username", "须为 2–40 位字母、数字、点、下划线或连字符")
	}
	if n := utf8.RuneCountInString(u.DisplayName); n < 1 || n > 40 {
		v.Add("", "display_name", "须为 1–40 个字符")
	}
	if !u.Role.Valid() {
		v.Add("", "role", "须为 judge 或 admin")
	}
	if utf8.RuneCountInString(u.Court) > 60 {
		v.Add("", "court", "过长")
	}
	for _, c := range u.Specialties {
		if !c.Valid() {
			v.Add("", "specialties", "未知类别 %q", c)
		}
	}
	if u.Capacity < 0 || u.Capacity > 100 {
		v.Add("", "capacity", "须在 0–100 之间")
	}
	return v.Err()
}

func usernameOK(s string) bool {
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// ValidatePassword enforces the minimum password rule.
func ValidatePassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		v := &ValidationError{}
		v.Add("", "password", "至少 %d 个字符", MinPasswordLen)
		return v
	}
	if len(p) > 72 { // bcrypt ignores bytes past 72; refuse rather than truncate silently
		v := &ValidationError{}
		v.Add("", "password", "不超过 72 字节")
		return v
	}
	return nil
}
