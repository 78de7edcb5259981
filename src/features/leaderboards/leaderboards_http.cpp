#include "features/leaderboards/leaderboards_http.h"

#include <memory>
#include <mutex>
#include <shared_mutex>

namespace lucas::leaderboards {
namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Period period_query(const http::Request& req) {
  const auto v = req.query_param("period");
  if (!v || v->empty()) return Period::kAllTime;
  if (auto p = parse_period(*v)) return *p;
  throw Error(ErrorCode::kInvalidArgument,
              "period must be one of daily (day), weekly (week), monthly (month), all_time (all)",
              {{"period", v->substr(0, 64)}});
}

// The rendered top of one board, period and limit (without the viewer's line).
struct Rendered {
  uint64_t generation = 0;
  std::string period_id;
  Micros at = 0;
  std::string body_open;  // the JSON object without its closing brace
};

// One rendering per key, replaced whole. While one thread renders a stale key again, the others
// keep answering with the previous rendering instead of all rendering at once.
class Cache {
 public:
  struct Slot {
    std::mutex rendering;
    std::shared_ptr<const Rendered> current;  // guarded by Cache::mu_
  };
  std::shared_ptr<Slot> slot(const std::string& key) {
    {
      std::shared_lock lock(mu_);
      auto it = map_.find(key);
      if (it != map_.end()) return it->second;
    }
    std::unique_lock lock(mu_);
    if (map_.size() > 1000) map_.clear();  // keys are board x period x limit: a handful
    auto& s = map_[key];
    if (!s) s = std::make_shared<Slot>();
    return s;
  }
  std::shared_ptr<const Rendered> get(Slot& s) {
    std::shared_lock lock(mu_);
    return s.current;
  }
  void put(Slot& s, std::shared_ptr<const Rendered> r) {
    std::unique_lock lock(mu_);
    s.current = std::move(r);
  }

 private:
  std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>> map_;
};

}  // namespace

json to_json(const BoardSpec& b, const Entry& e) {
  return {{"rank", e.rank == 0 ? json(nullptr) : json(e.rank)},
          {"user_id", e.user_id},
          {"name", e.name},
          {"score", score_json(b, e.score)},
          {"previous_rank", e.previous_rank ? json(*e.previous_rank) : json(nullptr)},
          {"rank_change", e.rank_change()},
          {"change", e.change()}};
}

json to_json(const BoardSpec& b, const View& v) {
  const bool all_time = v.period == Period::kAllTime;
  json entries = json::array();
  for (const auto& e : v.entries) entries.push_back(to_json(b, e));
  return {{"board", v.board},
          {"period", std::string(period_name(v.period))},
          {"period_id", v.window.id},
          {"starts_at", all_time ? json(nullptr) : json(format_rfc3339(v.window.starts_at))},
          {"ends_at", all_time && v.window.id == "all" ? json(nullptr)
                                                       : json(format_rfc3339(v.window.ends_at))},
          {"previous_period_id",
           v.previous_period_id.empty() ? json(nullptr) : json(v.previous_period_id)},
          {"archived", v.archived},
          {"total", v.total},
          {"entries", entries}};
}

void register_http(http::Router& router, LeaderboardService& service, const Clock& clock,
                   Micros max_age) {
  router.add("GET", "/api/v1/leaderboards", [&service](const http::Request&) {
    json boards = json::array();
    for (const auto& b : service.boards()) {
      json periods = json::array();
      for (Period p : b.periods) periods.push_back(std::string(period_name(p)));
      json score = b.currency.empty() ? json{{"kind", "points"}}
                                      : json{{"kind", "money"}, {"currency", b.currency}};
      boards.push_back({{"name", b.name},
                        {"description", b.description},
                        {"score", score},
                        {"periods", periods}});
    }
    return http::Response::json(200, {{"boards", boards}});
  });

  auto cache = std::make_shared<Cache>();
  router.add(
      "GET", "/api/v1/leaderboards/{board}",
      [&service, &clock, cache, max_age](const http::Request& req) {
        const std::string& name = req.params.at("board");
        const BoardSpec b = service.board(name);
        const Period period = period_query(req);
        const int limit = static_cast<int>(req.int_query("limit", 100, 1, 100));
        // The viewer: ?user_id=, else whoever the bearer token acts as (boards are public).
        const int64_t user_id = req.int_query("user_id", req.auth_user_id, 1, INT64_MAX);
        const auto period_id = req.query_param("period_id");
        const Micros now = clock.now();
        const std::string current_id = window_at(period, now).id;
        const bool current = !period_id || *period_id == current_id;

        std::string body;
        if (current) {
          const std::string key =
              name + "|" + std::string(period_name(period)) + "|" + std::to_string(limit);
          const uint64_t gen = service.generation(name, period);
          const auto slot = cache->slot(key);
          auto r = cache->get(*slot);
          const auto stale = [&](const std::shared_ptr<const Rendered>& x) {
            return !x || x->generation != gen || x->period_id != current_id ||
                   now - x->at >= max_age;
          };
          if (stale(r)) {
            // A rendering of another period is never served; a merely old one is, while another
            // thread renders the new one.
            std::unique_lock rendering(slot->rendering, std::defer_lock);
            if (!rendering.try_lock() && (!r || r->period_id != current_id)) rendering.lock();
            if (rendering.owns_lock()) {
              r = cache->get(*slot);
              if (stale(r)) {
                auto fresh = std::make_shared<Rendered>();
                fresh->generation = gen;  // read before rendering: a change meanwhile re-renders
                fresh->period_id = current_id;
                fresh->at = now;
                fresh->body_open = dump(to_json(b, service.top(name, period, limit)));
                fresh->body_open.pop_back();
                cache->put(*slot, fresh);
                r = fresh;
              }
            }
          }
          body = r->body_open;
        } else {
          if (period_id->empty() || period_id->size() > 64) {
            throw Error(ErrorCode::kInvalidArgument, "period_id must be 1-64 characters");
          }
          body = dump(to_json(b, service.results(name, period, *period_id, limit)));
          body.pop_back();
        }
        // The viewer's own line is never cached: it is one lookup in the index.
        body += ",\"me\":";
        body += user_id > 0 && current ? dump(to_json(b, service.position(name, period, user_id)))
                                       : std::string("null");
        body += "}";
        return http::Response::text(200, std::move(body), "application/json");
      });
}

}  // namespace lucas::leaderboards
