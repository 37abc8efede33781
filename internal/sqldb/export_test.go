package sqldb

import (
	"context"
	"time"

	"github.com/registre/registre/internal/mail"
)

// CountContactableSQL exposes the count query to the plan test.
var CountContactableSQL = countContactableSQL

// Enqueue queues a message as a change's transaction would.
func Enqueue(ctx context.Context, db *DB, m *mail.Message) error {
	return db.InTx(ctx, func(tx *Tx) error { return enqueueMail(ctx, tx, m, time.Now().UTC()) })
}
