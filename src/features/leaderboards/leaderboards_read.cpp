// Reading: the current top (from the index, else the database), finished periods' results,
// a user's position, each line annotated with names and the previous period.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/error.h"
#include "features/leaderboards/leaderboards.h"
#include "features/leaderboards/leaderboards_internal.h"
#include "features/leaderboards/leaderboards_store.h"

namespace lucas::leaderboards {

namespace {

constexpr int kMaxLimit = 100;

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
  if (w.period == Period::kAllTime && w.id != "all") {  // a snapshot: names, no "previous"
    fill_names(v.entries);
    return v;
  }
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

void LeaderboardService::fill_names(std::vector<Entry>& entries) {
  std::vector<int64_t> ids;
  for (const auto& e : entries) ids.push_back(e.user_id);
  const auto names = names_of(ids);
  for (auto& e : entries) {
    if (auto n = names.find(e.user_id); n != names.end()) e.name = n->second;
  }
}

void LeaderboardService::annotate(const BoardSpec& b, const Window& w,
                                  std::vector<Entry>& entries) {
  fill_names(entries);
  const auto prev = previous_results(b, w);
  for (auto& e : entries) {
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

}  // namespace lucas::leaderboards
