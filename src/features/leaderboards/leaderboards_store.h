// SQL of the leaderboards (internal). Tables:
//   lb_periods  one row per board and period instance: its window, a version counter bumped by
//               every score change (rebuilds catch up by it) and when it was archived
//   lb_scores   every user's score per board and period (the source of truth of the index)
//   lb_applied  idempotency keys of applied changes
//   lb_archive  a finished period's top N with ranks, and the daily snapshots of all-time boards
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/leaderboards/leaderboards.h"

namespace lucas::leaderboards::sql {

struct Scored {
  int64_t user_id = 0;
  int64_t score = 0;
};

struct PeriodState {
  int64_t version = 0;  // 0: no row, or nothing recorded (snapshots)
  std::optional<Micros> archived_at;
  std::string period;  // "daily", ..., or "snapshot"; "" when there is no row
  Micros starts_at = 0;
  Micros ends_at = 0;
};

struct PeriodRef {
  std::string board;
  std::string period;
  std::string period_id;
};

// False when the key was applied before.
bool claim_key(store::Tx& tx, const std::string& board, const std::string& key, Micros now);

// Creates the period row if needed and bumps its version (which also serialises the writers of
// one board and period on PostgreSQL). Returns the new version and whether it was archived.
PeriodState bump_version(store::Tx& tx, const std::string& board, const Window& w);
// `lock`: FOR UPDATE on PostgreSQL (a change to this period waits for the caller's commit).
PeriodState period_state(store::Tx& tx, const std::string& board, const std::string& period_id,
                         bool lock = false);

struct ScoreRow {
  int64_t score = 0;
  int64_t version = 0;  // the period's version when the row last changed
};
std::optional<ScoreRow> score_of(store::Tx& tx, const std::string& board,
                                 const std::string& period_id, int64_t user_id);
void put_score(store::Tx& tx, const std::string& board, const std::string& period_id,
               int64_t user_id, int64_t score, int64_t version, Micros now);

// Ordered like the index: score descending, then user id descending.
std::vector<Scored> top_scores(store::Tx& tx, const std::string& board,
                               const std::string& period_id, int64_t limit);
// Rows changed after `version` (a rebuild's catch-up).
std::vector<Scored> scores_since(store::Tx& tx, const std::string& board,
                                 const std::string& period_id, int64_t version);
int64_t count_scores(store::Tx& tx, const std::string& board, const std::string& period_id);
// 1-based rank the user with `score` has in the database order.
int64_t rank_of(store::Tx& tx, const std::string& board, const std::string& period_id,
                int64_t user_id, int64_t score);

// Finished periods (ends_at <= now) not archived yet.
std::vector<PeriodRef> due_for_archive(store::Tx& tx, Micros now);
// Replaces the period's archive with its top `top` scores and marks it archived.
void archive(store::Tx& tx, const std::string& board, const std::string& period_id, int64_t top,
             Micros now);
// Records a snapshot period ("all@2026-11-24") with the current all-time top; false when it
// exists already.
bool snapshot(store::Tx& tx, const std::string& board, const std::string& snapshot_id,
              const std::string& of_period_id, Micros ends_at, int64_t top, Micros now);
std::optional<std::string> latest_snapshot(store::Tx& tx, const std::string& board);
// The archived ranking (place order).
std::vector<Scored> archived(store::Tx& tx, const std::string& board, const std::string& period_id,
                             int64_t limit);
int64_t count_archived(store::Tx& tx, const std::string& board, const std::string& period_id);

}  // namespace lucas::leaderboards::sql
