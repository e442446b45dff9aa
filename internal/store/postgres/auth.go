package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sitrep/sitrep/internal/store"
)

// SetPassword creates or updates a user and ends their sessions (a new
// password must lock out whoever knew the old one).
func (s *Store) SetPassword(ctx context.Context, user, hash string) error {
	if user == "" || hash == "" {
		return fmt.Errorf("postgres: set password: empty user name or hash")
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO users (name, password_hash, created) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash`, user, hash, s.tsNow())
		b.Queue("DELETE FROM sessions WHERE user_name = $1", user)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: set password of %q: %w", user, err)
	}
	return nil
}

// PasswordHash returns a user's password hash.
func (s *Store) PasswordHash(ctx context.Context, user string) (string, error) {
	release, err := s.begin()
	if err != nil {
		return "", fmt.Errorf("postgres: user %q: %w", user, err)
	}
	defer release()
	var h string
	if err := s.pool.QueryRow(ctx, "SELECT password_hash FROM users WHERE name = $1", user).Scan(&h); err != nil {
		return "", fmt.Errorf("postgres: user %q: %w", user, errNoRows(err))
	}
	return h, nil
}

// Users lists user names.
func (s *Store) Users(ctx context.Context) ([]string, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: users: %w", err)
	}
	defer release()
	rows, err := s.pool.Query(ctx, "SELECT name FROM users ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("postgres: users: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: users: %w", err)
	}
	return out, nil
}

// CreateToken stores a token hash under a unique name.
func (s *Store) CreateToken(ctx context.Context, name, hash string) error {
	if name == "" || hash == "" {
		return fmt.Errorf("postgres: create token: empty name or hash")
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO tokens (name, hash, created) VALUES ($1, $2, $3)", name, hash, s.tsNow())
		return conflict(err)
	})
	if err != nil {
		return fmt.Errorf("postgres: create token %q: %w", name, err)
	}
	return nil
}

// TokenByHash finds a token and stamps its use, at most once a minute per
// token, so that a busy script does not turn every read into a write.
func (s *Store) TokenByHash(ctx context.Context, hash string, now time.Time) (store.Token, error) {
	release, err := s.begin()
	if err != nil {
		return store.Token{}, fmt.Errorf("postgres: token: %w", err)
	}
	defer release()
	var (
		t                 store.Token
		created, lastUsed pgtype.Timestamptz
	)
	err = s.pool.QueryRow(ctx, "SELECT name, created, last_used FROM tokens WHERE hash = $1", hash).Scan(&t.Name, &created, &lastUsed)
	if err != nil {
		return store.Token{}, fmt.Errorf("postgres: token: %w", errNoRows(err))
	}
	t.Created, t.LastUsed = fromTs(created), fromTs(lastUsed)
	if stamp := msTime(now); t.LastUsed.IsZero() || stamp.Sub(t.LastUsed) >= time.Minute {
		// Another process may stamp it at the same time: either stamp
		// will do.
		if _, err := s.pool.Exec(ctx, "UPDATE tokens SET last_used = $1 WHERE name = $2", stamp, t.Name); err != nil {
			return store.Token{}, fmt.Errorf("postgres: token %q: %w", t.Name, err)
		}
		t.LastUsed = stamp
	}
	return t, nil
}

// Tokens lists tokens by name.
func (s *Store) Tokens(ctx context.Context) ([]store.Token, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	defer release()
	rows, err := s.pool.Query(ctx, "SELECT name, created, last_used FROM tokens ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var (
			t    store.Token
			c, u pgtype.Timestamptz
		)
		if err := rows.Scan(&t.Name, &c, &u); err != nil {
			return nil, fmt.Errorf("postgres: tokens: %w", err)
		}
		t.Created, t.LastUsed = fromTs(c), fromTs(u)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	return out, nil
}

// DeleteToken revokes a token.
func (s *Store) DeleteToken(ctx context.Context, name string) error {
	return s.exec1(ctx, fmt.Sprintf("delete token %q", name), "DELETE FROM tokens WHERE name = $1", name)
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO sessions (hash, user_name, created, expires) VALUES ($1, $2, $3, $4)",
			se.Hash, se.User, msTime(se.Created), msTime(se.Expires))
		return conflict(err)
	})
	if err != nil {
		return fmt.Errorf("postgres: create session for %q: %w", se.User, err)
	}
	return nil
}

// SessionByHash returns a live session.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (store.Session, error) {
	release, err := s.begin()
	if err != nil {
		return store.Session{}, fmt.Errorf("postgres: session: %w", err)
	}
	defer release()
	var (
		se               store.Session
		created, expires pgtype.Timestamptz
	)
	err = s.pool.QueryRow(ctx, "SELECT hash, user_name, created, expires FROM sessions WHERE hash = $1 AND expires > $2", hash, msTime(now)).
		Scan(&se.Hash, &se.User, &created, &expires)
	if err != nil {
		return store.Session{}, fmt.Errorf("postgres: session: %w", errNoRows(err))
	}
	se.Created, se.Expires = fromTs(created), fromTs(expires)
	return se, nil
}

// DeleteSession ends a session and sweeps expired ones.
func (s *Store) DeleteSession(ctx context.Context, hash string, now time.Time) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE hash = $1 OR expires <= $2", hash, msTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}
