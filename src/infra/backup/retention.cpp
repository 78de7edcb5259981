// Retention: which backups prune() keeps and which it removes.
#include "infra/backup/backup.h"

#include <filesystem>
#include <map>
#include <set>

namespace lucas::backup {
namespace fs = std::filesystem;

std::vector<std::string> BackupService::prune() {
  const Micros now = clock_.now();
  constexpr Micros kDay = 86'400'000'000;
  std::vector<std::string> removed;
  std::set<std::string> kept_fulls;
  std::map<int64_t, std::string> newest_of_week;  // week number -> id kept
  const auto all = list();                        // newest first
  const auto remove = [&](const Manifest& m) {
    for (const auto& dir : options_.dirs) {
      std::error_code ec;
      fs::remove(path(dir, m.id), ec);
      fs::remove(fs::path(dir) / (m.id + ".manifest.json"), ec);
    }
    removed.push_back(m.id);
  };
  for (const auto& m : all) {
    if (m.kind != "full") continue;
    const Micros age = now - m.created_at;
    bool keep = age <= 30 * kDay;
    if (!keep && age <= 365 * kDay) {
      const int64_t week = (m.created_at / kDay + 3) / 7;  // weeks starting on Monday
      keep = newest_of_week.emplace(week, m.id).second;
    }
    if (keep) {
      kept_fulls.insert(m.id);
    } else {
      remove(m);
    }
  }
  // An incremental is worth keeping only with its full backup, and for 30 days.
  for (const auto& m : all) {
    if (m.kind == "full") continue;
    if (now - m.created_at > 30 * kDay || !kept_fulls.count(m.base)) remove(m);
  }
  return removed;
}

}  // namespace lucas::backup
