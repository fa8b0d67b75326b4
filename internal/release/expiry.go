package release

import (
	"context"
	"fmt"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/store"
)

// RecordExpiries finds consents whose expiry date has passed (in the UK)
// and records each once: the consent's row and a "consent.expired" entry
// in the audit log, so the case's history shows when a release stopped
// being possible. A consent's state is worked out from its date on every
// read; this is the record of the moment. It returns how many it
// recorded.
func (s *Service) RecordExpiries(ctx context.Context) (int, error) {
	today := s.today()
	rows, err := s.db.Query(ctx, `SELECT c.id, c.document_id, d.case_id, c.expires_on FROM consents c JOIN documents d ON d.id = c.document_id
		WHERE c.expires_on <> '' AND c.expires_on < ? AND c.withdrawn_at IS NULL AND c.expiry_recorded_at IS NULL ORDER BY c.expires_on, c.id`, today)
	if err != nil {
		return 0, fmt.Errorf("find expired consents: %w", err)
	}
	type expired struct{ id, doc, caseID, on string }
	var due []expired
	for rows.Next() {
		var e expired
		if err := rows.Scan(&e.id, &e.doc, &e.caseID, &e.on); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read expired consent: %w", err)
		}
		due = append(due, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, c := range due {
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE consents SET expiry_recorded_at = ? WHERE id = ? AND expiry_recorded_at IS NULL`, s.now().UTC(), c.id)
			if err != nil {
				return fmt.Errorf("record consent expiry: %w", err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // recorded meanwhile
			}
			n++
			e := systemActor().Entry("consent.expired", audit.OK)
			e.CaseID, e.DocumentID = c.caseID, c.doc
			e.Detail = map[string]string{"consent_id": c.id, "expires_on": c.on}
			return s.audit.AppendTx(ctx, tx, e)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
