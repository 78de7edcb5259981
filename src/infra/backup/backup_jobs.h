// What the backup jobs do (the app schedules them: a full backup every 6 h, an incremental one
// hourly, the prune daily, the restore test monthly): every backup a job writes is checked at
// once, and the restore test's result lands in the audit log either way.
#pragma once

#include <optional>

#include "base/clock.h"
#include "infra/audit/audit.h"
#include "infra/backup/backup.h"
#include "infra/store/db.h"

namespace lucas::backup {

// A full backup, checked (INTERNAL when its check failed).
Manifest full_checked(BackupService& backups);
// The hourly backup at `started`: none when the newest backup is less than 30 minutes old (the
// full one that shares the hour makes it moot); a full one when there is none yet, else an
// incremental one; checked (INTERNAL when its check failed).
std::optional<Manifest> hourly_checked(BackupService& backups, Micros started);
// Restores the newest full and the newest incremental backup into scratch databases and compares
// them with their manifests. Audited in `db` ("backup.restore_test", ok or failed, with what was
// checked); INTERNAL when one failed or there is no backup to test.
void restore_test(BackupService& backups, store::Database& db, audit::AuditLog& audit);

}  // namespace lucas::backup
