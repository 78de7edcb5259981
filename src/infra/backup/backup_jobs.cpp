#include "infra/backup/backup_jobs.h"

#include <algorithm>

#include "base/error.h"

namespace lucas::backup {
namespace {

Manifest verified(BackupService& backups, Manifest m) {
  const auto v = backups.verify(m.id);
  if (!v.ok)
    throw Error(ErrorCode::kInternal, "backup " + m.id + " failed its check: " + v.problem);
  return m;
}

}  // namespace

Manifest full_checked(BackupService& backups) {
  return verified(backups, backups.create());
}

std::optional<Manifest> hourly_checked(BackupService& backups, Micros started) {
  const auto all = backups.list();
  // A full backup that just ran (they share the hour) makes this one moot.
  if (!all.empty() && started - all.front().created_at < 1'800'000'000) return std::nullopt;
  const bool have_full =
      std::any_of(all.begin(), all.end(), [](const auto& m) { return m.kind == "full"; });
  return verified(backups, have_full ? backups.create_incremental() : backups.create());
}

void restore_test(BackupService& backups, store::Database& db, audit::AuditLog& audit) {
  const auto all = backups.list();
  nlohmann::json checked = nlohmann::json::array();
  std::string problem;
  for (const char* kind : {"full", "incremental"}) {
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& m) { return m.kind == kind; });
    if (it == all.end()) continue;
    const auto v = backups.verify(it->id);
    checked.push_back(
        {{"id", it->id}, {"ok", v.ok}, {"seconds", v.seconds}, {"problem", v.problem}});
    if (!v.ok && problem.empty()) problem = it->id + ": " + v.problem;
  }
  if (checked.empty()) problem = "there is no backup to test";
  db.transact([&](store::Tx& tx) {
    audit.append(tx, audit::entry(0, "backup.restore_test", "backups", {{"checked", checked}},
                                  problem.empty() ? "ok" : "failed"));
  });
  if (!problem.empty()) throw Error(ErrorCode::kInternal, "restore test failed: " + problem);
}

}  // namespace lucas::backup
