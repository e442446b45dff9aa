package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

// SetPassword creates or updates a user and ends their sessions (a new
// password must lock out whoever knew the old one).
func (s *Store) SetPassword(ctx context.Context, user, hash string) error {
	if user == "" || hash == "" {
		return fmt.Errorf("sqlite: set password: empty user name or hash")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (name, password_hash, created) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash`, user, hash, s.now().UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user = ?", user)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: set password of %q: %w", user, err)
	}
	return nil
}

// PasswordHash returns a user's password hash.
func (s *Store) PasswordHash(ctx context.Context, user string) (string, error) {
	release, err := s.begin()
	if err != nil {
		return "", fmt.Errorf("sqlite: user %q: %w", user, err)
	}
	defer release()
	var h string
	if err := s.queryRow(ctx, "SELECT password_hash FROM users WHERE name = ?", user).Scan(&h); err != nil {
		return "", fmt.Errorf("sqlite: user %q: %w", user, errNoRows(err))
	}
	return h, nil
}

// Users lists user names.
func (s *Store) Users(ctx context.Context) ([]string, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", err)
	}
	defer release()
	rows, err := s.query(ctx, "SELECT name FROM users ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: users: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// CreateToken stores a token hash under a unique name.
func (s *Store) CreateToken(ctx context.Context, name, hash string) error {
	if name == "" || hash == "" {
		return fmt.Errorf("sqlite: create token: empty name or hash")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tokens (name, hash, created) VALUES (?, ?, ?)", name, hash, s.now().UnixMilli())
		return conflict(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create token %q: %w", name, err)
	}
	return nil
}

// TokenByHash finds a token and stamps its use. The lookup is a read, so an
// API call does not wait for the writer; the stamp is written at most once
// a minute per token, so a busy script does not turn every read into a
// write.
func (s *Store) TokenByHash(ctx context.Context, hash string, now time.Time) (store.Token, error) {
	var (
		t                 store.Token
		created, lastUsed int64
	)
	release, err := s.begin()
	if err != nil {
		return store.Token{}, fmt.Errorf("sqlite: token: %w", err)
	}
	err = s.queryRow(ctx, "SELECT name, created, last_used FROM tokens WHERE hash = ?", hash).Scan(&t.Name, &created, &lastUsed)
	release()
	if err != nil {
		return store.Token{}, fmt.Errorf("sqlite: token: %w", errNoRows(err))
	}
	if now.UnixMilli()-lastUsed >= 60_000 {
		lastUsed = now.UnixMilli()
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE tokens SET last_used = ? WHERE name = ?", lastUsed, t.Name)
			return err
		}); err != nil {
			return store.Token{}, fmt.Errorf("sqlite: token %q: %w", t.Name, err)
		}
	}
	t.Created, t.LastUsed = fromMs(created), fromMs(lastUsed)
	return t, nil
}

// Tokens lists tokens by name.
func (s *Store) Tokens(ctx context.Context) ([]store.Token, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	defer release()
	rows, err := s.query(ctx, "SELECT name, created, last_used FROM tokens ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var (
			t    store.Token
			c, u int64
		)
		if err := rows.Scan(&t.Name, &c, &u); err != nil {
			return nil, fmt.Errorf("sqlite: tokens: %w", err)
		}
		t.Created, t.LastUsed = fromMs(c), fromMs(u)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteToken revokes a token.
func (s *Store) DeleteToken(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("delete token %q", name), "DELETE FROM tokens WHERE name = ?", name)
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (hash, user, created, expires) VALUES (?, ?, ?, ?)",
			se.Hash, se.User, toMs(se.Created), toMs(se.Expires))
		return conflict(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create session for %q: %w", se.User, err)
	}
	return nil
}

// SessionByHash returns a live session.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (store.Session, error) {
	release, err := s.begin()
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: session: %w", err)
	}
	defer release()
	var (
		se               store.Session
		created, expires int64
	)
	err = s.queryRow(ctx, "SELECT hash, user, created, expires FROM sessions WHERE hash = ? AND expires > ?", hash, now.UnixMilli()).
		Scan(&se.Hash, &se.User, &created, &expires)
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: session: %w", errNoRows(err))
	}
	se.Created, se.Expires = fromMs(created), fromMs(expires)
	return se, nil
}

// DeleteSession ends a session and sweeps expired ones.
func (s *Store) DeleteSession(ctx context.Context, hash string, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE hash = ? OR expires <= ?", hash, now.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
}
