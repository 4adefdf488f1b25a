package sqlite

import (
	"database/sql"

	"github.com/chartroom/chartroom/records"
)

// preseal hands the next audit event of tx a seal computed in Go as the
// movements were written (an import's thousands of "create" movements),
// so sealFor need not read them back through SQL (a large share of a big
// import's time, in pprof). sealFor uses it only when it covers exactly the
// movements not yet sealed; `chartroom verify` recomputes every seal from
// the rows, so a seal that did not match the table would be reported.
func (s *Store) preseal(tx *sql.Tx, seal records.Seal) {
	if st := s.sealState(tx); st != nil {
		st.pre = seal
	}
}
