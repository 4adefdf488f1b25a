package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
)

// write runs fn as one transaction: everything it does is kept, or nothing
// is. what names the operation in the message a failure gives.
func (s *Store) write(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, fn)
	if err == nil {
		return nil
	}
	var re *records.Error
	if errors.As(err, &re) {
		return err
	}
	if ctx.Err() != nil {
		return records.Errorf(records.EConflict, "%s stopped before it finished; nothing was saved", what)
	}
	return records.Internal(what+" failed; nothing was saved", err)
}
