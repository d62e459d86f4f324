#ifndef HOLDFAST_CPOSTGRESQL_SHIM_H
#define HOLDFAST_CPOSTGRESQL_SHIM_H
#include <libpq-fe.h>

// The PG_DIAG_* field codes are character-literal macros (postgres_ext.h); expose the ones we read as typed
// constants so Swift sees them.
static inline int holdfast_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int holdfast_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
#endif
