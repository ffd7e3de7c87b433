// Package account holds the rules of judge and admin sign-in: password checks through a Hasher,
// server-side sessions with idle and absolute expiry, a CSRF token per session, and login throttling
// per account and per address. State lives in the store, so any replica can serve any request.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Session is a signed-in judge or admin. The cookie holds a random token; the store keeps only its
// SHA-256, so a leaked database does not yield usable cookies.
type Session struct {
	ID        string // hex SHA-256 of the cookie token
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	IP        string
	UserAgent string
}

// Store is what the account rules need from persistence.
type Store interface {
	GetUser(ctx context.Context, id int64) (knowledge.User, error)
	GetUserByName(ctx context.Context, username string) (knowledge.User, error)
	UpdateUser(ctx context.Context, u knowledge.User) (knowledge.User, error)
	CreateSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string) (Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID int64, exceptID string) error
	// ReserveLoginAttempt atomically counts an attempt for key unless key already has limit
	// attempts in its window; it reports whether the attempt may go ahead.
	ReserveLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration, limit int) (bool, error)
	// ReleaseLoginAttempt gives back a reserved attempt that succeeded.
	ReleaseLoginAttempt(ctx context.Context, key string) error
	ClearLoginFailures(ctx context.Context, key string) error
}

// Hasher hashes and checks passwords (bcrypt in package auth).
type Hasher interface {
	Hash(password string) (string, error)
	Check(hash, password string) bool
}

// Policy sets the session and throttling limits.
//
// Failures are counted per account and address together, not per account alone: five wrong
// passwords from one address stop that address guessing that account, but the judge signing in
// from the court's own network is not locked out by someone else's guessing. A second, larger
// budget per address stops one address from spraying guesses over many accounts.
type Policy struct {
	IdleTimeout        time.Duration
	AbsoluteTimeout    time.Duration
	MaxFailures        int           // failed logins per account and address within FailureWindow
	MaxAddressFailures int           // failed logins per address, over all accounts, within FailureWindow
	FailureWindow      time.Duration // counted from the first failure; the count then starts again
}

// DefaultPolicy: a judge's working day fits in one session; an idle console signs out after an hour.
func DefaultPolicy() Policy {
	return Policy{IdleTimeout: time.Hour, AbsoluteTimeout: 12 * time.Hour, MaxFailures: 5, MaxAddressFailures: 20,
		FailureWindow: 15 * time.Minute}
}

// Service applies the rules.
type Service struct {
	st     Store
	hasher Hasher
	pol    Policy
	now    func() time.Time
	// dummy is a valid hash checked when the username is unknown, so that a wrong username takes
	// as long as a wrong password and does not reveal which accounts exist.
	dummy string
}

// New builds the service.
func New(st Store, h Hasher, pol Policy, now func() time.Time) (*Service, error) {
	if now == nil {
		now = time.Now
	}
	dummy, err := h.Hash("courtdesk-timing-equaliser")
	if err != nil {
		return nil, err
	}
	return &Service{st: st, hasher: h, pol: pol, now: now, dummy: dummy}, nil
}

// ErrThrottled means too many failed logins; it matches knowledge.ErrRateLimited.
var ErrThrottled = fmt.Errorf("too many failed logins: %w", knowledge.ErrRateLimited)

// Login checks a password and opens a session. It returns the cookie token, shown once.
//
// Each attempt is counted before the password is checked (bcrypt takes long enough for many
// concurrent requests to pass a check that reads the count first and writes it after): the
// reservation is the failure, and a successful login gives it back.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (string, Session, knowledge.User, error) {
	now := s.now()
	pair, addr := "pair:"+ip+"|"+username, "ip:"+ip
	fail := func(err error) (string, Session, knowledge.User, error) { return "", Session{}, knowledge.User{}, err }
	ok, err := s.st.ReserveLoginAttempt(ctx, pair, now, s.pol.FailureWindow, s.pol.MaxFailures)
	if err != nil {
		return fail(err)
	}
	if !ok {
		return fail(ErrThrottled)
	}
	if ok, err = s.st.ReserveLoginAttempt(ctx, addr, now, s.pol.FailureWindow, s.addressLimit()); err != nil || !ok {
		// The address is spent: this attempt did not happen, so it is not this pair's failure.
		if rerr := s.st.ReleaseLoginAttempt(ctx, pair); rerr != nil && err == nil {
			err = rerr
		}
		if err != nil {
			return fail(err)
		}
		return fail(ErrThrottled)
	}
	u, err := s.st.GetUserByName(ctx, username)
	if err != nil && !errors.Is(err, knowledge.ErrNotFound) {
		return fail(err)
	}
	hash := s.dummy
	if err == nil {
		hash = u.PasswordHash
	}
	if !(s.hasher.Check(hash, password) && err == nil && u.Active) {
		return fail(fmt.Errorf("login %q: %w", username, knowledge.ErrUnauthorized))
	}
	if err := s.st.ClearLoginFailures(ctx, pair); err != nil {
		return fail(err)
	}
	if err := s.st.ReleaseLoginAttempt(ctx, addr); err != nil {
		return fail(err)
	}
	token, sess, err := s.open(ctx, u, ip, userAgent, now)
	return token, sess, u, err
}

func (s *Service) addressLimit() int {
	if s.pol.MaxAddressFailures > 0 {
		return s.pol.MaxAddressFailures
	}
	return s.pol.MaxFailures
}

func (s *Service) open(ctx context.Context, u knowledge.User, ip, ua string, now time.Time) (string, Session, error) {
	token, err := randomString(32)
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomString(24)
	if err != nil {
		return "", Session{}, err
	}
	if len(ua) > 300 {
		ua = ua[:300]
	}
	sess := Session{ID: hashToken(token), UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.pol.AbsoluteTimeout), IP: ip, UserAgent: ua}
	if err := s.st.CreateSession(ctx, sess); err != nil {
		return "", Session{}, err
	}
	return token, sess, nil
}

// Authenticate resolves a cookie token to its live session and active user.
func (s *Service) Authenticate(ctx context.Context, token string) (knowledge.User, Session, error) {
	if token == "" || len(token) > 128 {
		return knowledge.User{}, Session{}, fmt.Errorf("no session: %w", knowledge.ErrUnauthorized)
	}
	sess, err := s.st.GetSession(ctx, hashToken(token))
	if errors.Is(err, knowledge.ErrNotFound) {
		return knowledge.User{}, Session{}, fmt.Errorf("unknown session: %w", knowledge.ErrUnauthorized)
	}
	if err != nil {
		return knowledge.User{}, Session{}, err
	}
	now := s.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > s.pol.IdleTimeout {
		_ = s.st.DeleteSession(ctx, sess.ID)
		return knowledge.User{}, Session{}, fmt.Errorf("session expired: %w", knowledge.ErrUnauthorized)
	}
	u, err := s.st.GetUser(ctx, sess.UserID)
	if errors.Is(err, knowledge.ErrNotFound) || err == nil && !u.Active {
		_ = s.st.DeleteSession(ctx, sess.ID)
		return knowledge.User{}, Session{}, fmt.Errorf("account unavailable: %w", knowledge.ErrUnauthorized)
	}
	if err != nil {
		return knowledge.User{}, Session{}, err
	}
	// Writing on every request would turn reads into writes; a minute's precision is enough for
	// an idle timeout of an hour.
	if now.Sub(sess.LastSeen) > time.Minute {
		if err := s.st.TouchSession(ctx, sess.ID, now); err != nil {
			return knowledge.User{}, Session{}, err
		}
		sess.LastSeen = now
	}
	return u, sess, nil
}

// Verify re-checks a live session by its id without extending it: a judge's open socket must not
// keep an idle session alive. It fails with knowledge.ErrUnauthorized once the session is gone,
// expired or its account deactivated.
func (s *Service) Verify(ctx context.Context, sessionID string) error {
	sess, err := s.st.GetSession(ctx, sessionID)
	if errors.Is(err, knowledge.ErrNotFound) {
		return fmt.Errorf("session ended: %w", knowledge.ErrUnauthorized)
	}
	if err != nil {
		return err
	}
	now := s.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > s.pol.IdleTimeout {
		return fmt.Errorf("session expired: %w", knowledge.ErrUnauthorized)
	}
	u, err := s.st.GetUser(ctx, sess.UserID)
	if errors.Is(err, knowledge.ErrNotFound) || err == nil && !u.Active {
		return fmt.Errorf("account unavailable: %w", knowledge.ErrUnauthorized)
	}
	return err
}

// SessionID is the id under which the session of a cookie token is stored.
func SessionID(token string) string { return hashToken(token) }

// CheckCSRF compares a request's token with the session's in constant time.
func CheckCSRF(sess Session, got string) error {
	if got == "" || subtle.ConstantTimeCompare([]byte(sess.CSRF), []byte(got)) != 1 {
		return fmt.Errorf("csrf token mismatch: %w", knowledge.ErrForbidden)
	}
	return nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.st.DeleteSession(ctx, hashToken(token))
}

// ChangePassword checks the old password, stores the new hash and ends the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, u knowledge.User, sess Session, oldPassword, newPassword string) error {
	if !s.hasher.Check(u.PasswordHash, oldPassword) {
		v := &knowledge.ValidationError{}
		v.Add("", "old_password", "原密码不正确")
		return v
	}
	return s.SetPassword(ctx, u, newPassword, sess.ID)
}

// SetPassword replaces a password (an admin's reset, or ChangePassword) and ends every session of
// the user except keepSession.
func (s *Service) SetPassword(ctx context.Context, u knowledge.User, password, keepSession string) error {
	if err := knowledge.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	if _, err := s.st.UpdateUser(ctx, u); err != nil {
		return err
	}
	return s.st.DeleteUserSessions(ctx, u.ID, keepSession)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashNew validates a new password and returns its hash, for accounts created by an admin.
func (s *Service) HashNew(password string) (string, error) {
	if err := knowledge.ValidatePassword(password); err != nil {
		return "", err
	}
	return s.hasher.Hash(password)
}
