// The index (Redis or in-process sorted sets): rebuilt from the database when it lost a
// period or lags behind; finished periods dropped.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "base/error.h"
#include "features/leaderboards/leaderboards.h"
#include "features/leaderboards/leaderboards_internal.h"
#include "features/leaderboards/leaderboards_store.h"

namespace lucas::leaderboards {

void LeaderboardService::ensure_index(const BoardSpec& b, const Window& w) {
  // A missing marker: the index lost this period (a flush, a restart, a fall-back).
  if (!index_.find(std::string(kMeta), index_key(b.name, w))) rebuild_period(b, w);
}

int64_t LeaderboardService::rebuild_period(const BoardSpec& b, const Window& w) {
  const std::string key = index_key(b.name, w);
  // The version first, then the rows: every change after that version is caught up below.
  int64_t version = 0;
  std::vector<sql::Scored> rows;
  db_.read([&](store::Tx& tx) {
    version = sql::period_state(tx, b.name, w.id).version;
    rows = sql::scores_since(tx, b.name, w.id, -1);
  });
  std::set<std::string> members;
  for (const auto& r : rows) {
    members.insert(member_of(r.user_id));
    index_.set(key, member_of(r.user_id), r.score);
  }
  // Members the database does not have (a stale index) go.
  const int64_t size = index_.size(key);
  if (size != static_cast<int64_t>(members.size())) {
    for (const auto& r : index_.range(key, 0, size)) {
      if (!members.count(r.member)) index_.remove(key, r.member);
    }
  }
  // Changes committed while we wrote may have been overwritten by older rows: re-apply them.
  for (int round = 0; round < 100; ++round) {
    int64_t now_version = 0;
    std::vector<sql::Scored> since;
    db_.read([&](store::Tx& tx) {
      now_version = sql::period_state(tx, b.name, w.id).version;
      since = sql::scores_since(tx, b.name, w.id, version);
    });
    for (const auto& r : since) index_.set(key, member_of(r.user_id), r.score);
    if (now_version == version) break;
    version = now_version;
  }
  index_.set(std::string(kMeta), key, version);
  {
    std::lock_guard lock(mu_);
    touched_.emplace(key, Tracked{b.name, w});
    key_state_[key] = KeyState{version, false, false};
  }
  bump(b.name, w.period);
  if (!rows.empty()) {
    spdlog::info("leaderboard {} rebuilt from the database: {} members", key, rows.size());
  }
  return static_cast<int64_t>(rows.size());
}

int64_t LeaderboardService::rebuild() {
  const Micros now = clock_.now();
  int64_t n = 0;
  for (const auto& b : boards()) {
    for (Period p : b.periods) n += rebuild_period(b, window_at(p, now));
  }
  return n;
}

void LeaderboardService::forget(const std::string& key) {
  try {
    index_.clear(key);
    index_.remove(std::string(kMeta), key);
  } catch (const std::exception& e) {
    spdlog::warn("leaderboard index: cannot drop {}: {}", key, e.what());
  }
  std::lock_guard lock(mu_);
  touched_.erase(key);
  dirty_.erase(key);
  published_.erase(key);
  key_state_.erase(key);
}

int LeaderboardService::check_index() {
  const Micros now = clock_.now();
  std::vector<std::string> finished;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, t] : touched_) {
      if (t.window.ends_at <= now) finished.push_back(key);
    }
  }
  for (const auto& key : finished) forget(key);

  int rebuilt = 0;
  for (const auto& b : boards()) {
    for (Period p : b.periods) {
      const Window w = window_at(p, now);
      const std::string key = index_key(b.name, w);
      int64_t db_version = 0, db_count = 0;
      db_.read([&](store::Tx& tx) {
        db_version = sql::period_state(tx, b.name, w.id).version;
        db_count = db_version > 0 ? sql::count_scores(tx, b.name, w.id) : 0;
      });
      if (db_version == 0) continue;  // nothing recorded in this period yet
      try {
        const auto marker = index_.find(std::string(kMeta), key);
        const int64_t size = index_.size(key);
        KeyState seen;
        {
          std::lock_guard lock(mu_);
          seen = key_state_[key];
        }
        // Lost (no marker), missed a write this process saw fail, behind what the database had
        // at the last check (changes made elsewhere while it was away: back on Redis after an
        // outage), or a different member count twice running.
        const bool mismatch = size != db_count;
        if (!marker || seen.write_failed || marker->score < seen.seen_db_version ||
            (mismatch && seen.size_mismatch)) {
          rebuild_period(b, w);
          ++rebuilt;
        } else {
          std::lock_guard lock(mu_);
          KeyState& ks = key_state_[key];  // a write failing meanwhile keeps its flag
          ks.seen_db_version = db_version;
          ks.size_mismatch = mismatch;
        }
      } catch (const std::exception& e) {
        spdlog::warn("leaderboard index check of {} failed: {}", key, e.what());
      }
    }
  }
  return rebuilt;
}

}  // namespace lucas::leaderboards
