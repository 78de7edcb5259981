// The service: its registered boards, and writing scores (the database in the caller's
// transaction, the index after commit); the background thread of pushes and index checks.
#include "features/leaderboards/leaderboards.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "base/error.h"
#include "features/leaderboards/leaderboards_internal.h"
#include "features/leaderboards/leaderboards_store.h"

namespace lucas::leaderboards {
namespace {

namespace chr = std::chrono;

bool valid_board_name(std::string_view n) {
  return !n.empty() && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

struct LeaderboardService::Board {
  explicit Board(BoardSpec s) : spec(std::move(s)) {}
  BoardSpec spec;
  std::map<Period, std::atomic<uint64_t>> generation;
};

// ------------------------------------------------------------------ the service

LeaderboardService::LeaderboardService(store::Database& db, cache::SortedSets& index,
                                       const Clock& clock, events::Bus* bus, NamesFn names,
                                       Options options)
    : db_(db),
      index_(index),
      clock_(clock),
      bus_(bus),
      names_(std::move(names)),
      options_(std::move(options)) {}

LeaderboardService::~LeaderboardService() {
  stop();
}

std::string LeaderboardService::index_key(std::string_view board, const Window& w) {
  return fmt::format("lb:{}:{}:{}", board, period_name(w.period), w.id);
}

std::string LeaderboardService::member_of(int64_t user_id) {
  // Zero-padded so that the index's tie order (member bytes, descending) is user id descending.
  return fmt::format("{:019d}", user_id);
}

void LeaderboardService::register_board(BoardSpec spec) {
  if (!valid_board_name(spec.name)) {
    throw Error(ErrorCode::kInvalidArgument, "board name must be 1-32 of a-z, 0-9 and _",
                {{"board", spec.name}});
  }
  if (spec.periods.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a board needs at least one period");
  }
  std::unique_lock lock(boards_mu_);
  if (boards_.count(spec.name)) {
    throw Error(ErrorCode::kInvalidArgument, "board " + spec.name + " is already registered");
  }
  auto b = std::make_unique<Board>(spec);
  for (Period p : spec.periods) b->generation[p] = 0;
  boards_.emplace(spec.name, std::move(b));
}

std::vector<BoardSpec> LeaderboardService::boards() const {
  std::shared_lock lock(boards_mu_);
  std::vector<BoardSpec> out;
  for (const auto& [n, b] : boards_) out.push_back(b->spec);
  return out;
}

LeaderboardService::Board& LeaderboardService::find_board(std::string_view name) const {
  std::shared_lock lock(boards_mu_);
  auto it = boards_.find(name);
  if (it == boards_.end()) {
    throw Error(ErrorCode::kNotFound, "no leaderboard named '" + std::string(name) + "'",
                {{"board", std::string(name)}});
  }
  return *it->second;  // boards are never removed
}

BoardSpec LeaderboardService::board(std::string_view name) const {
  return find_board(name).spec;
}

uint64_t LeaderboardService::generation(std::string_view board, Period period) const {
  const Board& b = find_board(board);
  auto it = b.generation.find(period);
  return it == b.generation.end() ? 0 : it->second.load();
}

void LeaderboardService::bump(const std::string& board, Period p) {
  Board& b = find_board(board);
  auto it = b.generation.find(p);
  if (it != b.generation.end()) ++it->second;
}

void LeaderboardService::bump_all(const std::string& board) {
  for (Period p : find_board(board).spec.periods) bump(board, p);
}

// ------------------------------------------------------------------ writing

bool LeaderboardService::record(const ScoreChange& change) {
  return db_.transact([&](store::Tx& tx) { return record(tx, change); });
}

bool LeaderboardService::record(store::Tx& tx, const ScoreChange& c) {
  const BoardSpec spec = board(c.board);
  if (c.user_id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "user id must be positive", {{"user_id", c.user_id}});
  }
  if (c.key.empty() || c.key.size() > 200) {
    throw Error(ErrorCode::kInvalidArgument, "the idempotency key must be 1-200 bytes");
  }
  if (c.value > cache::kMaxExactScore || c.value < -cache::kMaxExactScore) {
    throw Error(ErrorCode::kInvalidArgument, "a score must be within +-2^53", {{"value", c.value}});
  }
  std::vector<Period> periods;
  for (Period p : c.only.empty() ? spec.periods : c.only) {
    if (std::find(periods.begin(), periods.end(), p) == periods.end()) periods.push_back(p);
  }
  for (Period p : periods) {
    if (!spec.has(p)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "board " + spec.name + " has no " + std::string(period_name(p)) + " period");
    }
  }
  const Micros now = clock_.now();
  std::vector<Written> written;
  bool rearchived = false;
  // In a savepoint: a refusal (a score out of range) leaves the caller's transaction as it was.
  const bool applied = tx.savepoint([&] {
    if (!sql::claim_key(tx, spec.name, c.key, now)) return false;
    for (Period p : periods) {
      const Window w = window_at(p, c.at);
      const sql::PeriodState st = sql::bump_version(tx, spec.name, w);
      const auto old = sql::score_of(tx, spec.name, w.id, c.user_id);
      int64_t next = c.value;
      if (c.op == Op::kAdd && old) next = old->score + c.value;  // both within 2^53: no overflow
      if (c.op == Op::kMax && old) next = std::max(old->score, c.value);
      if (next > cache::kMaxExactScore || next < -cache::kMaxExactScore) {
        throw Error(ErrorCode::kAmountOverflow, "the score would leave the range +-2^53",
                    {{"board", spec.name}, {"period_id", w.id}, {"user_id", c.user_id}});
      }
      sql::put_score(tx, spec.name, w.id, c.user_id, next, st.version, now);
      if (st.archived_at) {
        // A late change to a finished period that is archived already: the archive follows.
        sql::archive(tx, spec.name, w.id, options_.archive_top, now);
        rearchived = true;
      } else if (w.ends_at > now) {
        written.push_back(Written{w, next, st.version});
      }  // else finished, not archived yet: the rollover will archive it from the database
    }
    return true;
  });
  if (!applied) return false;
  tx.after_commit(
      [this, name = spec.name, user = c.user_id, written = std::move(written), rearchived] {
        after_write(name, user, written);
        if (rearchived) {
          {
            std::lock_guard lock(mu_);
            previous_cache_.clear();
          }
          bump_all(name);
        }
      });
  return true;
}

void LeaderboardService::after_write(const std::string& board, int64_t user_id,
                                     std::vector<Written> written) {
  if (written.empty()) return;
  const std::string member = member_of(user_id);
  // Writers of one user's score (threads, nodes) finish their commits in one order and their
  // index writes in another. So each writer, after writing, reads the row back and writes again
  // until the database holds what it wrote: the last index write to finish is then always of the
  // latest committed row.
  for (int round = 0; round < 20 && !written.empty(); ++round) {
    try {
      for (const auto& x : written) {
        const std::string key = index_key(board, x.w);
        index_.set(key, member, x.score);
        index_.set(std::string(kMeta), key, x.version);
      }
    } catch (const std::exception& e) {
      // The database has it; the next index check rebuilds the periods.
      spdlog::warn("leaderboard index write failed for {}: {}", board, e.what());
      std::lock_guard lock(mu_);
      for (const auto& x : written) key_state_[index_key(board, x.w)].write_failed = true;
      break;
    }
    {
      std::lock_guard lock(mu_);
      for (const auto& x : written) {
        const std::string key = index_key(board, x.w);
        dirty_.emplace(key, Tracked{board, x.w});
        touched_.emplace(key, Tracked{board, x.w});
      }
    }
    for (const auto& x : written) bump(board, x.w.period);
    std::vector<Written> newer;
    db_.read([&](store::Tx& tx) {
      for (const auto& x : written) {
        const auto row = sql::score_of(tx, board, x.w.id, user_id);
        if (row && row->version != x.version)
          newer.push_back(Written{x.w, row->score, row->version});
      }
    });
    written = std::move(newer);
  }
  if (!written.empty()) {  // still racing after every round: let the next check rebuild
    std::lock_guard lock(mu_);
    for (const auto& x : written) key_state_[index_key(board, x.w)].write_failed = true;
  }
}

// ------------------------------------------------------------------ background

void LeaderboardService::start() {
  if (worker_.running()) return;
  try {
    check_index();  // rebuilds every current period the index does not hold
  } catch (const std::exception& e) {
    spdlog::error("leaderboard index check failed: {}", e.what());
  }
  last_check_ = chr::steady_clock::now();
  worker_.start({.period = options_.publish_interval}, [this]() -> std::optional<Micros> {
    publish_changes();
    if (chr::steady_clock::now() - last_check_ >= chr::microseconds(options_.check_interval)) {
      last_check_ = chr::steady_clock::now();
      check_index();
    }
    return std::nullopt;
  });
}

void LeaderboardService::stop() {
  worker_.stop();
}

}  // namespace lucas::leaderboards
