// Rollover: every finished period archived (its top N with ranks), the all-time boards'
// daily snapshots, the hourly job.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/error.h"
#include "features/leaderboards/leaderboards.h"
#include "features/leaderboards/leaderboards_internal.h"
#include "features/leaderboards/leaderboards_store.h"

namespace lucas::leaderboards {

int LeaderboardService::rollover() {
  const Micros now = clock_.now();
  int archived = 0;
  const auto due = db_.read([&](store::Tx& tx) { return sql::due_for_archive(tx, now); });
  for (const auto& ref : due) {
    const bool done = db_.transact([&](store::Tx& tx) {
      // Lock the period row first: a change racing with us waits, then sees it archived.
      const auto st = sql::period_state(tx, ref.board, ref.period_id, true);
      if (st.archived_at) return false;
      sql::archive(tx, ref.board, ref.period_id, options_.archive_top, now);
      return true;
    });
    if (!done) continue;
    ++archived;
    spdlog::info("leaderboard {} {} {} archived", ref.board, ref.period, ref.period_id);
    forget(fmt::format("lb:{}:{}:{}", ref.board, ref.period, ref.period_id));
  }
  // The all-time boards' "previous period": a snapshot at the end of each UTC day.
  const Window today = window_at(Period::kDaily, now);
  const std::string snapshot_id = "all@" + previous_window(today)->id;
  for (const auto& b : boards()) {
    if (!b.has(Period::kAllTime)) continue;
    const bool created = db_.transact([&](store::Tx& tx) {
      if (sql::period_state(tx, b.name, "all").version == 0) return false;
      return sql::snapshot(tx, b.name, snapshot_id, "all", today.starts_at, options_.archive_top,
                           now);
    });
    if (created) spdlog::info("leaderboard {} all-time snapshot {}", b.name, snapshot_id);
  }
  {
    std::lock_guard lock(mu_);
    previous_cache_.clear();
  }
  for (const auto& b : boards()) bump_all(b.name);
  return archived;
}

}  // namespace lucas::leaderboards
