#include "features/leaderboards/leaderboards_store.h"

namespace lucas::leaderboards {

store::MigrationSet migrations() {
  return {"leaderboards",
          {{1, "leaderboards",
            "CREATE TABLE lb_periods ("
            " id {{id}}, board TEXT NOT NULL, period_id TEXT NOT NULL, period TEXT NOT NULL,"
            " starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,"
            " version BIGINT NOT NULL DEFAULT 0, archived_at BIGINT);"
            "CREATE UNIQUE INDEX lb_periods_key ON lb_periods (board, period_id);"
            "CREATE INDEX lb_periods_open ON lb_periods (archived_at, ends_at);"
            "CREATE TABLE lb_scores ("
            " id {{id}}, board TEXT NOT NULL, period_id TEXT NOT NULL, user_id BIGINT NOT NULL,"
            " score BIGINT NOT NULL, version BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
            "CREATE UNIQUE INDEX lb_scores_key ON lb_scores (board, period_id, user_id);"
            "CREATE INDEX lb_scores_rank ON lb_scores (board, period_id, score, user_id);"
            "CREATE INDEX lb_scores_version ON lb_scores (board, period_id, version);"
            "CREATE TABLE lb_applied ("
            " id {{id}}, board TEXT NOT NULL, source_key TEXT NOT NULL,"
            " applied_at BIGINT NOT NULL);"
            "CREATE UNIQUE INDEX lb_applied_key ON lb_applied (board, source_key);"
            "CREATE TABLE lb_archive ("
            " id {{id}}, board TEXT NOT NULL, period_id TEXT NOT NULL, place BIGINT NOT NULL,"
            " user_id BIGINT NOT NULL, score BIGINT NOT NULL);"
            "CREATE UNIQUE INDEX lb_archive_key ON lb_archive (board, period_id, place);"
            "CREATE INDEX lb_archive_user ON lb_archive (board, period_id, user_id);"}}};
}

namespace sql {
using store::Value;

namespace {
std::vector<Scored> scored(const store::Result& r) {
  std::vector<Scored> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) out.push_back(Scored{row.i64(0), row.i64(1)});
  return out;
}
}  // namespace

bool claim_key(store::Tx& tx, const std::string& board, const std::string& key, Micros now) {
  return !tx.exec(
                "INSERT INTO lb_applied (board, source_key, applied_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (board, source_key) DO NOTHING RETURNING id",
                {Value{board}, Value{key}, Value{now}})
              .empty();
}

PeriodState bump_version(store::Tx& tx, const std::string& board, const Window& w) {
  tx.exec(
      "INSERT INTO lb_periods (board, period_id, period, starts_at, ends_at, version)"
      " VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (board, period_id) DO NOTHING",
      {Value{board}, Value{w.id}, Value{std::string(period_name(w.period))}, Value{w.starts_at},
       Value{w.ends_at}});
  const auto r = tx.exec(
      "UPDATE lb_periods SET version = version + 1 WHERE board = $1 AND period_id = $2"
      " RETURNING version, archived_at, period, starts_at, ends_at",
      {Value{board}, Value{w.id}});
  const auto& row = r.one();
  return PeriodState{row.i64(0), row.opt_i64(1), row.str(2), row.i64(3), row.i64(4)};
}

PeriodState period_state(store::Tx& tx, const std::string& board, const std::string& period_id,
                         bool lock) {
  const auto r = tx.exec(
      "SELECT version, archived_at, period, starts_at, ends_at FROM lb_periods"
      " WHERE board = $1 AND period_id = $2" +
          std::string(lock ? tx.for_update() : ""),
      {Value{board}, Value{period_id}});
  if (r.empty()) return {};
  const auto& row = r.one();
  return PeriodState{row.i64(0), row.opt_i64(1), row.str(2), row.i64(3), row.i64(4)};
}

std::optional<ScoreRow> score_of(store::Tx& tx, const std::string& board,
                                 const std::string& period_id, int64_t user_id) {
  const auto r = tx.exec(
      "SELECT score, version FROM lb_scores WHERE board = $1 AND period_id = $2 AND user_id = $3",
      {Value{board}, Value{period_id}, Value{user_id}});
  if (r.empty()) return std::nullopt;
  return ScoreRow{r.one().i64(0), r.one().i64(1)};
}

void put_score(store::Tx& tx, const std::string& board, const std::string& period_id,
               int64_t user_id, int64_t score, int64_t version, Micros now) {
  tx.exec(
      "INSERT INTO lb_scores (board, period_id, user_id, score, version, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (board, period_id, user_id) DO UPDATE SET"
      " score = excluded.score, version = excluded.version, updated_at = excluded.updated_at",
      {Value{board}, Value{period_id}, Value{user_id}, Value{score}, Value{version}, Value{now}});
}

std::vector<Scored> top_scores(store::Tx& tx, const std::string& board,
                               const std::string& period_id, int64_t limit) {
  return scored(
      tx.exec("SELECT user_id, score FROM lb_scores WHERE board = $1 AND period_id = $2"
              " ORDER BY score DESC, user_id DESC LIMIT $3",
              {Value{board}, Value{period_id}, Value{limit}}));
}

std::vector<Scored> scores_since(store::Tx& tx, const std::string& board,
                                 const std::string& period_id, int64_t version) {
  return scored(tx.exec(
      "SELECT user_id, score FROM lb_scores WHERE board = $1 AND period_id = $2 AND version > $3",
      {Value{board}, Value{period_id}, Value{version}}));
}

namespace {
int64_t count(store::Tx& tx, std::string_view sql, const std::string& board,
              const std::string& period_id) {
  return tx.exec(sql, {Value{board}, Value{period_id}}).one().i64(0);
}
}  // namespace

int64_t count_scores(store::Tx& tx, const std::string& board, const std::string& period_id) {
  return count(tx, "SELECT COUNT(*) FROM lb_scores WHERE board = $1 AND period_id = $2", board,
               period_id);
}

int64_t rank_of(store::Tx& tx, const std::string& board, const std::string& period_id,
                int64_t user_id, int64_t score) {
  return 1 + tx.exec(
                   "SELECT COUNT(*) FROM lb_scores WHERE board = $1 AND period_id = $2 AND"
                   " (score > $3 OR (score = $3 AND user_id > $4))",
                   {Value{board}, Value{period_id}, Value{score}, Value{user_id}})
                 .one()
                 .i64(0);
}

std::vector<PeriodRef> due_for_archive(store::Tx& tx, Micros now) {
  std::vector<PeriodRef> out;
  for (const auto& row :
       tx.exec("SELECT board, period, period_id FROM lb_periods WHERE archived_at IS NULL AND"
               " ends_at <= $1 ORDER BY ends_at, board, period_id",
               {Value{now}})
           .rows) {
    out.push_back(PeriodRef{row.str(0), row.str(1), row.str(2)});
  }
  return out;
}

namespace {
void write_archive(store::Tx& tx, const std::string& board, const std::string& archive_id,
                   const std::vector<Scored>& rows) {
  tx.exec("DELETE FROM lb_archive WHERE board = $1 AND period_id = $2",
          {Value{board}, Value{archive_id}});
  int64_t place = 0;
  for (const auto& s : rows) {
    tx.exec(
        "INSERT INTO lb_archive (board, period_id, place, user_id, score)"
        " VALUES ($1, $2, $3, $4, $5)",
        {Value{board}, Value{archive_id}, Value{++place}, Value{s.user_id}, Value{s.score}});
  }
}
}  // namespace

void archive(store::Tx& tx, const std::string& board, const std::string& period_id, int64_t top,
             Micros now) {
  write_archive(tx, board, period_id, top_scores(tx, board, period_id, top));
  tx.exec("UPDATE lb_periods SET archived_at = $3 WHERE board = $1 AND period_id = $2",
          {Value{board}, Value{period_id}, Value{now}});
}

bool snapshot(store::Tx& tx, const std::string& board, const std::string& snapshot_id,
              const std::string& of_period_id, Micros ends_at, int64_t top, Micros now) {
  const bool created =
      !tx.exec(
             "INSERT INTO lb_periods (board, period_id, period, starts_at, ends_at, version,"
             " archived_at) VALUES ($1, $2, 'snapshot', 0, $3, 0, $4)"
             " ON CONFLICT (board, period_id) DO NOTHING RETURNING id",
             {Value{board}, Value{snapshot_id}, Value{ends_at}, Value{now}})
           .empty();
  if (created) write_archive(tx, board, snapshot_id, top_scores(tx, board, of_period_id, top));
  return created;
}

std::optional<std::string> latest_snapshot(store::Tx& tx, const std::string& board) {
  const auto r = tx.exec(
      "SELECT period_id FROM lb_periods WHERE board = $1 AND period = 'snapshot'"
      " ORDER BY ends_at DESC LIMIT 1",
      {Value{board}});
  if (r.empty()) return std::nullopt;
  return r.one().str(0);
}

std::vector<Scored> archived(store::Tx& tx, const std::string& board, const std::string& period_id,
                             int64_t limit) {
  return scored(
      tx.exec("SELECT user_id, score FROM lb_archive WHERE board = $1 AND period_id = $2"
              " ORDER BY place LIMIT $3",
              {Value{board}, Value{period_id}, Value{limit}}));
}

int64_t count_archived(store::Tx& tx, const std::string& board, const std::string& period_id) {
  return count(tx, "SELECT COUNT(*) FROM lb_archive WHERE board = $1 AND period_id = $2", board,
               period_id);
}

}  // namespace sql
}  // namespace lucas::leaderboards
