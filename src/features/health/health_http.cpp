#include "features/health/health_http.h"

#include "features/users/access.h"

#include <limits>

namespace lucas::health {
namespace {

nlohmann::json time_or_null(const std::optional<Micros>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json();
}

}  // namespace

nlohmann::json to_json(const LogLine& line) {
  return {{"seq", line.seq},
          {"time", format_rfc3339(line.time)},
          {"level", log_level_name(line.level)},
          {"msg", line.message},
          {"cut", line.cut}};
}

nlohmann::json to_json(const LogPage& page, const std::string& node) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& line : page.lines) items.push_back(to_json(line));
  nlohmann::json counts = nlohmann::json::object();
  for (size_t i = 0; i < kLogLevels; ++i) {
    counts[std::string(log_level_name(static_cast<LogLevel>(i)))] = page.counts.at(i);
  }
  return {{"node", node},
          {"items", items},
          {"next_after", page.next_after},
          {"oldest", page.oldest},
          {"last", page.last},
          {"gap", page.gap},
          {"restarted", page.restarted},
          {"counts", counts}};
}

nlohmann::json to_json(const HealthReport& r) {
  nlohmann::json at = nlohmann::json::array();
  for (Micros t : r.at) at.push_back(format_rfc3339(t));
  nlohmann::json series = nlohmann::json::array();
  for (const auto& s : r.series) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : s.values) values.push_back(v ? nlohmann::json(*v) : nlohmann::json());
    series.push_back({{"name", s.name}, {"kind", s.kind}, {"unit", s.unit}, {"values", values}});
  }
  nlohmann::json routes = nlohmann::json::array();
  for (const auto& t : r.routes) {
    routes.push_back({{"route", t.route}, {"requests", t.requests}, {"errors", t.errors}});
  }
  return {
      {"readiness", r.readiness},
      {"window", r.window},
      {"now", format_rfc3339(r.now)},
      {"step_s", r.step / 1'000'000},
      {"timestamps", at},
      {"series", series},
      {"routes", routes},
      {"memory",
       {{"bytes", r.memory_bytes}, {"max_bytes", r.max_memory_bytes}, {"series", r.series_kept}}}};
}

nlohmann::json to_json(const jobs::JobStatus& j) {
  nlohmann::json duration;
  if (j.last_started && j.last_finished && *j.last_finished >= *j.last_started) {
    duration = static_cast<double>(*j.last_finished - *j.last_started) / 1e6;
  }
  return {{"name", j.name},
          {"schedule", j.schedule},
          {"next_run", format_rfc3339(j.next_due)},
          {"last_started", time_or_null(j.last_started)},
          {"last_finished", time_or_null(j.last_finished)},
          {"last_duration_s", duration},
          {"last_result", j.last_result.empty() ? nlohmann::json() : nlohmann::json(j.last_result)},
          {"last_error", j.last_error},
          {"last_node", j.last_node},
          {"runs", j.runs},
          {"failures", j.failures},
          {"running", j.running}};
}

nlohmann::json to_json(const backup::Manifest& m) {
  int64_t rows = 0;
  for (const auto& t : m.tables) rows += t.rows;
  return {{"id", m.id},
          {"kind", m.kind},
          {"base", m.base.empty() ? nlohmann::json() : nlohmann::json(m.base)},
          {"created_at", format_rfc3339(m.created_at)},
          {"engine", m.engine},
          {"bytes", m.bytes},
          {"tables", m.tables.size()},
          {"rows", rows}};
}

void register_http(http::Router& router, HealthService& service) {
  // ?window=hour|day
  router.add("GET", "/api/v1/admin/health", [&service](const http::Request& req) {
    const auto window = req.query_param("window").value_or("hour");
    return http::Response::json(
        200, to_json(service.health(req.require_scope(users::scope::kAdmin), window)));
  });
  // ?after=<seq>&level=warn&q=text&limit=200
  router.add("GET", "/api/v1/admin/logs", [&service](const http::Request& req) {
    const int64_t actor = req.require_scope(users::scope::kAdmin);
    LogsRequest r;
    r.after =
        static_cast<uint64_t>(req.int_query("after", 0, 0, std::numeric_limits<int64_t>::max()));
    r.level = req.query_param("level").value_or("trace");
    r.contains = req.query_param("q").value_or("");
    r.limit = req.int_query("limit", 200, std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max());  // the service checks 1..1000
    return http::Response::json(200, to_json(service.logs(actor, r), service.node()));
  });
  router.add("GET", "/api/v1/admin/jobs", [&service](const http::Request& req) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& j : service.jobs(req.require_scope(users::scope::kAdmin))) {
      items.push_back(to_json(j));
    }
    return http::Response::json(200, {{"items", items}});
  });
  router.add("POST", "/api/v1/admin/jobs/{name}/run", [&service](const http::Request& req) {
    const int64_t actor = req.require_scope(users::scope::kAdmin);
    return http::Response::json(
        200, to_json(service.run_job(actor, req.remote_addr, req.params.at("name"))));
  });
  router.add("GET", "/api/v1/admin/backups", [&service](const http::Request& req) {
    const auto list = service.backups(req.require_scope(users::scope::kAdmin));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : list.items) items.push_back(to_json(m));
    return http::Response::json(
        200, {{"configured", list.configured}, {"locations", list.locations}, {"items", items}});
  });
  router.add("POST", "/api/v1/admin/backups/{name}/verify", [&service](const http::Request& req) {
    const int64_t actor = req.require_scope(users::scope::kAdmin);
    const std::string& id = req.params.at("name");
    const auto v = service.verify_backup(actor, req.remote_addr, id);
    return http::Response::json(
        200, {{"id", id}, {"ok", v.ok}, {"problem", v.problem}, {"seconds", v.seconds}});
  });
}

}  // namespace lucas::health
