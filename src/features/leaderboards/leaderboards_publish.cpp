// Pushed changes: the coalesced changes of every board's top, one bus message per board and
// period.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/error.h"
#include "features/leaderboards/leaderboards.h"
#include "features/leaderboards/leaderboards_internal.h"
#include "features/leaderboards/leaderboards_store.h"

namespace lucas::leaderboards {

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

}  // namespace lucas::leaderboards
