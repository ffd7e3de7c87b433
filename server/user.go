package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/courtdesk/courtdesk/auth"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "usage: courtdesk user add --role judge|admin --username NAME [--name 显示名] [--court 法院] [--specialties labor,enforcement] [--capacity N] [--password P]")
		return errUsage
	}
	var role, username, name, court, specialties, password string
	var capacity int
	cfg, _, err := loadConfig(e, "user add", args[1:], func(_ *Config, fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "judge", "judge or admin")
		fs.StringVar(&username, "username", "", "login name (required)")
		fs.StringVar(&name, "name", "", "display name (default: the username)")
		fs.StringVar(&court, "court", "", "court as named in the court list, e.g. 沈阳市中级人民法院 (required for judges)")
		fs.StringVar(&specialties, "specialties", "", "comma-separated categories, e.g. labor,enforcement")
		fs.IntVar(&capacity, "capacity", knowledge.DefaultCapacity, "maximum open claimed tickets")
		fs.StringVar(&password, "password", "", "password (default: COURTDESK_USER_PASSWORD, else generated and printed)")
	})
	if err != nil {
		return err
	}
	if username == "" {
		fmt.Fprintln(e.stderr, "user add: --username is required")
		return errUsage
	}
	if password == "" {
		password = e.getenv("COURTDESK_USER_PASSWORD")
	}
	generated := false
	if password == "" {
		if password, err = auth.RandomToken(12); err != nil {
			return err
		}
		generated = true
	}
	if err := knowledge.ValidatePassword(password); err != nil {
		return err
	}
	if name == "" {
		name = username
	}
	u := knowledge.User{Username: username, DisplayName: name, Role: knowledge.Role(role), Court: court,
		Capacity: capacity, Active: true}
	for _, s := range splitList(specialties) {
		u.Specialties = append(u.Specialties, knowledge.Category(strings.TrimSpace(s)))
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if u.PasswordHash, err = (auth.Bcrypt{Cost: cfg.PasswordCost}).Hash(password); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	courts, err := loadCourts(cfg, st)
	if err != nil {
		return err
	}
	if u.Court, err = escalation.CheckAccountCourt(courts.List(), u.Role, u.Court); err != nil {
		return err
	}
	u, err = st.CreateUser(ctx, u)
	if errors.Is(err, knowledge.ErrConflict) {
		return fmt.Errorf("username %q is already taken", username)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s account %q (id %d)\n", u.Role, u.Username, u.ID)
	if generated {
		fmt.Fprintf(e.stdout, "password (shown once): %s\n", password)
	}
	return nil
}
