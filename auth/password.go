// Package auth holds credential primitives shared by the HTTP layer and the command line:
// bcrypt password hashing and random secrets.
package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"

	"golang.org/x/crypto/bcrypt"
)

// Cost is the default bcrypt work factor: about 50 ms per check on the reference machine, which
// keeps logins quick and offline guessing slow.
const Cost = 11

// HashPassword returns a bcrypt hash of p at the default cost.
func HashPassword(p string) (string, error) { return Bcrypt{}.Hash(p) }

// CheckPassword reports whether p matches hash. A malformed hash never matches.
func CheckPassword(hash, p string) bool {
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(p))
	return err == nil
}

// ErrNoEntropy is returned when the system random source fails.
var ErrNoEntropy = errors.New("system random source failed")

// RandomToken returns n random bytes encoded as URL-safe base64 without padding.
func RandomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", ErrNoEntropy
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Bcrypt implements account.Hasher. A zero Cost means the default; tests lower it, since a check
// verifies at the cost stored in the hash whatever this says.
type Bcrypt struct{ Cost int }

// Hash implements account.Hasher.
func (b Bcrypt) Hash(p string) (string, error) {
	cost := b.Cost
	if cost == 0 {
		cost = Cost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(p), cost)
	return string(h), err
}

// Check implements account.Hasher.
func (Bcrypt) Check(hash, p string) bool { return CheckPassword(hash, p) }
