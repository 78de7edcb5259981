#include "features/leaderboards/leaderboards.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "base/error.h"
#include "features/leaderboards/leaderboards_store.h"
#include "features/users/users.h"
#include "infra/jobs/jobs.h"

namespace lucas::leaderboards {
namespace {

namespace chr = std::chrono;
constexpr Micros kDay = 86'400'000'000;
constexpr std::string_view kMeta = "lb:meta";  // index key -> db version the index holds
constexpr int kMaxLimit = 100;

// The calendar date of a UTC midnight.
chr::year_month_day date_of(Micros midnight) {
  return chr::year_month_day(chr::sys_days(chr::days(midnight / kDay)));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_board_name(std::string_view n) {
  return !n.empty() && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

int64_t user_of(const std::string& member) {
  return std::stoll(member);
}

}  // namespace

// ------------------------------------------------------------------ periods

std::string_view period_name(Period p) {
  switch (p) {
    case Period::kDaily:
      return "daily";
    case Period::kWeekly:
      return "weekly";
    case Period::kMonthly:
      return "monthly";
    case Period::kAllTime:
      return "all_time";
  }
  return "all_time";
}

std::optional<Period> parse_period(std::string_view text) {
  const std::string t = lower(text);
  if (t == "daily" || t == "day") return Period::kDaily;
  if (t == "weekly" || t == "week") return Period::kWeekly;
  if (t == "monthly" || t == "month") return Period::kMonthly;
  if (t == "all_time" || t == "all" || t == "alltime" || t == "all-time") return Period::kAllTime;
  return std::nullopt;
}

Window window_at(Period p, Micros t) {
  // Boundaries from the job schedules (UTC midnights, Mondays, firsts of the month).
  static const jobs::Schedule kSchedules[] = {jobs::Schedule::daily(), jobs::Schedule::weekly(1),
                                              jobs::Schedule::monthly(1)};
  if (p == Period::kAllTime) {
    return Window{Period::kAllTime, "all", 0, std::numeric_limits<Micros>::max()};
  }
  static_assert(static_cast<int>(Period::kDaily) == 0 && static_cast<int>(Period::kMonthly) == 2);
  const jobs::Schedule& schedule = kSchedules[static_cast<int>(p)];
  const Micros start = schedule.last_at_or_before(t);
  const Micros end = schedule.next_after(t);
  const chr::year_month_day ymd = date_of(start);
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month());
  switch (p) {
    case Period::kDaily:
      return Window{
          p, fmt::format("{:04d}-{:02d}-{:02d}", year, month, static_cast<unsigned>(ymd.day())),
          start, end};
    case Period::kWeekly: {
      // The ISO week-numbering year is the year of the week's Thursday.
      const chr::sys_days thursday = chr::sys_days(chr::days(start / kDay)) + chr::days(3);
      const chr::year y = chr::year_month_day(thursday).year();
      const auto week = (thursday - chr::sys_days(y / chr::January / 1)).count() / 7 + 1;
      return Window{p, fmt::format("{:04d}-W{:02d}", static_cast<int>(y), week), start, end};
    }
    case Period::kMonthly:
    case Period::kAllTime:
      break;
  }
  return Window{p, fmt::format("{:04d}-{:02d}", year, month), start, end};
}

std::optional<Window> previous_window(const Window& w) {
  if (w.period == Period::kAllTime) return std::nullopt;
  return window_at(w.period, w.starts_at - 1);
}

// ------------------------------------------------------------------ boards and entries

bool BoardSpec::has(Period p) const {
  return std::find(periods.begin(), periods.end(), p) != periods.end();
}

nlohmann::json score_json(const BoardSpec& b, int64_t score) {
  if (b.currency.empty()) return score;
  return users::money_json(b.currency, b.scale, score);
}

std::string Entry::change() const {
  if (rank == 0) return "none";
  if (!previous_rank) return "new";
  if (*previous_rank > rank) return "up";
  if (*previous_rank < rank) return "down";
  return "same";
}

int64_t Entry::rank_change() const {
  return rank != 0 && previous_rank ? *previous_rank - rank : 0;
}

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

// ------------------------------------------------------------------ reading

namespace {
void check_limit(int limit) {
  if (limit < 1 || limit > kMaxLimit) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be an integer between 1 and 100",
                {{"limit", limit}});
  }
}
void check_period(const BoardSpec& b, Period p) {
  if (!b.has(p)) {
    throw Error(ErrorCode::kInvalidArgument,
                "board " + b.name + " has no " + std::string(period_name(p)) + " period",
                {{"board", b.name}, {"period", std::string(period_name(p))}});
  }
}
}  // namespace

std::vector<Entry> LeaderboardService::ranked_from_db(const BoardSpec& b,
                                                      const std::string& period_id, int limit,
                                                      bool from_archive) {
  const auto rows = db_.read([&](store::Tx& tx) {
    return from_archive ? sql::archived(tx, b.name, period_id, limit)
                        : sql::top_scores(tx, b.name, period_id, limit);
  });
  std::vector<Entry> out;
  int64_t rank = 0;
  for (const auto& r : rows) {
    Entry e;
    e.rank = ++rank;
    e.user_id = r.user_id;
    e.score = r.score;
    out.push_back(std::move(e));
  }
  return out;
}

View LeaderboardService::make_view(const BoardSpec& b, const Window& w, bool archived,
                                   std::vector<Entry> entries, int64_t total) {
  View v;
  v.board = b.name;
  v.period = w.period;
  v.window = w;
  v.archived = archived;
  v.total = total;
  v.entries = std::move(entries);
  if (w.period == Period::kAllTime && w.id != "all") return v;  // a snapshot: no "previous"
  annotate(b, w, v.entries);
  v.previous_period_id = previous_results(b, w)->id;
  return v;
}

View LeaderboardService::top(std::string_view board_name, Period period, int limit) {
  const BoardSpec b = board(board_name);
  check_period(b, period);
  check_limit(limit);
  const Window w = window_at(period, clock_.now());
  const std::string key = index_key(b.name, w);
  std::vector<Entry> entries;
  int64_t total = 0;
  try {
    ensure_index(b, w);
    for (const auto& r : index_.range(key, 0, limit)) {
      Entry e;
      e.rank = r.rank + 1;
      e.user_id = user_of(r.member);
      e.score = r.score;
      entries.push_back(std::move(e));
    }
    total = index_.size(key);
  } catch (const std::exception& e) {
    // The index is unavailable (Redis down): the database answers.
    spdlog::warn("leaderboard index unavailable for {}, reading the database: {}", key, e.what());
    entries = ranked_from_db(b, w.id, limit, false);
    total = db_.read([&](store::Tx& tx) { return sql::count_scores(tx, b.name, w.id); });
  }
  return make_view(b, w, false, std::move(entries), total);
}

View LeaderboardService::results(std::string_view board_name, Period period,
                                 const std::string& period_id, int limit) {
  const BoardSpec b = board(board_name);
  check_period(b, period);
  check_limit(limit);
  if (period_id == window_at(period, clock_.now()).id) return top(board_name, period, limit);
  const auto st = db_.read([&](store::Tx& tx) { return sql::period_state(tx, b.name, period_id); });
  std::optional<Window> w;
  if (st.period == period_name(period) && window_at(period, st.starts_at).id == period_id) {
    w = window_at(period, st.starts_at);
  } else if (period == Period::kAllTime && st.period == "snapshot") {
    w = Window{Period::kAllTime, period_id, 0, st.ends_at};  // the all-time board at ends_at
  }
  if (!w) {
    throw Error(ErrorCode::kNotFound,
                "no " + std::string(period_name(period)) + " results for '" + period_id + "'",
                {{"board", b.name}, {"period_id", period_id}});
  }
  const bool archived = st.archived_at.has_value();
  auto entries = ranked_from_db(b, period_id, limit, archived);
  const int64_t total = db_.read([&](store::Tx& tx) {
    return archived ? sql::count_archived(tx, b.name, period_id)
                    : sql::count_scores(tx, b.name, period_id);
  });
  return make_view(b, *w, archived, std::move(entries), total);
}

Entry LeaderboardService::position(std::string_view board_name, Period period, int64_t user_id) {
  const BoardSpec b = board(board_name);
  check_period(b, period);
  if (user_id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "user id must be positive", {{"user_id", user_id}});
  }
  const Window w = window_at(period, clock_.now());
  Entry e;
  e.user_id = user_id;
  try {
    if (auto f = index_.find(index_key(b.name, w), member_of(user_id))) {
      e.rank = f->rank + 1;
      e.score = f->score;
    }
  } catch (const std::exception&) {
    db_.read([&](store::Tx& tx) {
      if (auto s = sql::score_of(tx, b.name, w.id, user_id)) {
        e.score = s->score;
        e.rank = sql::rank_of(tx, b.name, w.id, user_id, s->score);
      }
    });
  }
  std::vector<Entry> one{e};
  annotate(b, w, one);
  return one.front();
}

void LeaderboardService::annotate(const BoardSpec& b, const Window& w,
                                  std::vector<Entry>& entries) {
  std::vector<int64_t> ids;
  for (const auto& e : entries) ids.push_back(e.user_id);
  const auto names = names_of(ids);
  const auto prev = previous_results(b, w);
  for (auto& e : entries) {
    if (auto n = names.find(e.user_id); n != names.end()) e.name = n->second;
    if (auto p = prev->ranks.find(e.user_id); p != prev->ranks.end()) {
      e.previous_rank = p->second.first;
      e.previous_score = p->second.second;
    }
  }
}

std::shared_ptr<const LeaderboardService::Previous> LeaderboardService::previous_results(
    const BoardSpec& b, const Window& current) {
  const Micros now = clock_.now();
  // All-time compares with its latest daily snapshot; the others with the period before.
  const std::string cache_key =
      b.name + "|" + index_key(b.name, current) + "|" +
      (current.period == Period::kAllTime ? window_at(Period::kDaily, now).id : std::string());
  {
    std::lock_guard lock(mu_);
    auto it = previous_cache_.find(cache_key);
    if (it != previous_cache_.end() && now - it->second->loaded_at < options_.cache_ttl) {
      return it->second;
    }
  }
  auto loaded = std::make_shared<Previous>();
  Previous& prev = *loaded;
  prev.loaded_at = now;
  db_.read([&](store::Tx& tx) {
    bool from_archive = true;
    if (current.period == Period::kAllTime) {
      prev.id = sql::latest_snapshot(tx, b.name).value_or("");
    } else {
      prev.id = previous_window(current)->id;
      from_archive = sql::period_state(tx, b.name, prev.id).archived_at.has_value();
    }
    if (prev.id.empty()) return;
    // Not archived yet (the rollover is due): what the archive will hold.
    const auto rows = from_archive ? sql::archived(tx, b.name, prev.id, options_.archive_top)
                                   : sql::top_scores(tx, b.name, prev.id, options_.archive_top);
    int64_t rank = 0;
    for (const auto& r : rows) prev.ranks.emplace(r.user_id, std::make_pair(++rank, r.score));
  });
  std::lock_guard lock(mu_);
  previous_cache_[cache_key] = loaded;
  return loaded;
}

std::map<int64_t, std::string> LeaderboardService::names_of(const std::vector<int64_t>& ids) {
  const Micros now = clock_.now();
  std::map<int64_t, std::string> out;
  std::vector<int64_t> missing;
  {
    std::lock_guard lock(mu_);
    for (int64_t id : ids) {
      auto it = names_cache_.find(id);
      if (it != names_cache_.end() && now - it->second.second < options_.cache_ttl) {
        out[id] = it->second.first;
      } else {
        missing.push_back(id);
      }
    }
  }
  if (missing.empty() || !names_) return out;
  std::map<int64_t, std::string> found;
  try {
    found = names_(missing);
  } catch (const std::exception& e) {
    spdlog::warn("leaderboard names unavailable: {}", e.what());
    return out;
  }
  std::lock_guard lock(mu_);
  if (names_cache_.size() > 100'000) names_cache_.clear();
  for (int64_t id : missing) {
    const std::string name = found.count(id) ? found[id] : std::string();
    names_cache_[id] = {name, now};
    out[id] = name;
  }
  return out;
}

// ------------------------------------------------------------------ the index

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

// ------------------------------------------------------------------ rollover

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

// ------------------------------------------------------------------ pushed changes

int LeaderboardService::publish_changes() {
  std::map<std::string, Tracked> dirty;
  {
    std::lock_guard lock(mu_);
    dirty.swap(dirty_);
  }
  const Micros now = clock_.now();
  int published = 0;
  for (const auto& [key, t] : dirty) {
    if (t.window.ends_at <= now) continue;
    std::vector<cache::Ranked> top;
    try {
      top = index_.range(key, 0, options_.publish_top);
    } catch (const std::exception& e) {
      spdlog::warn("leaderboard changes of {} not published: {}", key, e.what());
      continue;
    }
    std::map<int64_t, std::pair<int64_t, int64_t>> now_top;
    for (const auto& r : top) now_top[user_of(r.member)] = {r.rank + 1, r.score};
    std::map<int64_t, std::pair<int64_t, int64_t>> before;
    {
      std::lock_guard lock(mu_);
      before = published_[key];
      published_[key] = now_top;
    }
    std::vector<int64_t> changed;
    for (const auto& [user, rs] : now_top) {
      auto it = before.find(user);
      if (it == before.end() || it->second != rs) changed.push_back(user);
    }
    nlohmann::json left = nlohmann::json::array();
    for (const auto& [user, rs] : before) {
      if (!now_top.count(user)) left.push_back({{"user_id", user}, {"old_rank", rs.first}});
    }
    if (changed.empty() && left.empty()) continue;
    const BoardSpec b = board(t.board);
    const auto names = names_of(changed);
    std::sort(changed.begin(), changed.end(),
              [&](int64_t x, int64_t y) { return now_top[x].first < now_top[y].first; });
    nlohmann::json changes = nlohmann::json::array();
    for (int64_t user : changed) {
      auto old = before.find(user);
      changes.push_back({{"user_id", user},
                         {"name", names.count(user) ? names.at(user) : std::string()},
                         {"rank", now_top[user].first},
                         {"old_rank", old == before.end() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(old->second.first)},
                         {"score", score_json(b, now_top[user].second)}});
    }
    const std::string period(period_name(t.window.period));
    const nlohmann::json message{{"topic", "leaderboard." + t.board + "." + period},
                                 {"type", "leaderboard.changed"},
                                 {"data",
                                  {{"board", t.board},
                                   {"period", period},
                                   {"period_id", t.window.id},
                                   {"changes", changes},
                                   {"left", left},
                                   {"at", format_rfc3339(now)}}}};
    if (bus_ != nullptr) bus_->publish(options_.channel, message.dump());
    ++published;
  }
  return published;
}

// ------------------------------------------------------------------ background

void LeaderboardService::start() {
  if (thread_.joinable()) return;
  try {
    check_index();  // rebuilds every current period the index does not hold
  } catch (const std::exception& e) {
    spdlog::error("leaderboard index check failed: {}", e.what());
  }
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void LeaderboardService::stop() {
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaderboardService::loop() {
  auto last_check = chr::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(loop_mu_);
      if (loop_cv_.wait_for(lock, chr::microseconds(options_.publish_interval),
                            [this] { return stopping_; })) {
        return;
      }
    }
    try {
      publish_changes();
      if (chr::steady_clock::now() - last_check >= chr::microseconds(options_.check_interval)) {
        last_check = chr::steady_clock::now();
        check_index();
      }
    } catch (const std::exception& e) {
      spdlog::error("leaderboards background work failed: {}", e.what());
    }
  }
}

}  // namespace lucas::leaderboards
