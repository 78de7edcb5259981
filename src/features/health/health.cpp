#include "features/health/health.h"

#include <algorithm>
#include <cmath>

namespace lucas::health {
namespace {

const std::string kRequests = "http.requests:";
const std::string kErrors = "http.errors:";

// What the charts show, in this order: {name, kind, unit}.
struct Shown {
  const char* name;
  const char* kind;
  const char* unit;
};
constexpr Shown kShown[] = {
    {"http.requests", "rate", "requests/min"},
    {"http.errors", "rate", "requests/min"},
    {"bank.credits", "rate", "credits/min"},
    {"bank.credited_minor", "rate", "minor units/min"},
    {"parser.parses", "rate", "parses/min"},
    {"parser.confidence", "ratio", "mean confidence"},
    {"parser.review_share", "ratio", "share sent to review"},
    {"outbox.backlog", "gauge", "events"},
    {"outbox.given_up", "gauge", "events"},
    {"ws.connections", "gauge", "connections"},
    {"jobs.runs", "rate", "runs/min"},
    {"jobs.failures", "rate", "runs/min"},
};

using Values = std::vector<std::optional<double>>;

// a / b step by step (null where either is missing or b is 0).
Values ratio(const Values& a, const Values& b) {
  Values out(std::min(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    if (a[i] && b[i] && *b[i] > 0) out[i] = *a[i] / *b[i];
  }
  return out;
}

int64_t total(const Values& v) {
  double sum = 0;
  for (const auto& x : v) sum += x.value_or(0);
  return std::llround(sum);
}

}  // namespace

HealthService::HealthService(store::Database& db, users::UserService& users, audit::AuditLog& audit,
                             const Clock& clock, jobs::Scheduler& scheduler,
                             backup::BackupService* backups, Sampler& sampler,
                             ReadinessFn readiness, ratelimit::Limiter* limiter, Options options)
    : db_(db),
      users_(users),
      audit_(audit),
      clock_(clock),
      scheduler_(scheduler),
      backups_(backups),
      sampler_(sampler),
      readiness_(std::move(readiness)),
      limiter_(limiter),
      options_(options) {}

void HealthService::require(int64_t actor, users::Role role, const std::string& what,
                            const std::string& action, const std::string& target,
                            const std::string& ip) {
  if (actor == 0) return;
  const auto who = users_.find(actor);
  if (who && who->role >= role) return;
  if (!action.empty()) {
    record(actor, ip, action, target,
           {{"role", who ? std::string(users::role_name(who->role)) : std::string("none")}},
           "denied");
  }
  throw Error(ErrorCode::kForbidden,
              std::string(role == users::Role::kModerator ? "only moderators and admins may "
                                                          : "only admins may ") +
                  what);
}

void HealthService::limit(int64_t actor) {
  if (limiter_ == nullptr || actor == 0) return;
  const auto d = limiter_->check("user:" + std::to_string(actor),
                                 {"admin_action", options_.actions_per_minute, 60'000'000});
  if (d.allowed) return;
  const int retry = ratelimit::retry_after_s(d);
  throw Error(ErrorCode::kRateLimited,
              "too many runs and verifications; try again in " + std::to_string(retry) + " s",
              {{"limit", d.limit}, {"window_s", 60}}, retry);
}

void HealthService::record(int64_t actor, const std::string& ip, const std::string& action,
                           const std::string& target, nlohmann::json details,
                           const std::string& result) {
  db_.transact([&](store::Tx& tx) {
    audit_.append(tx, audit::entry(actor, action, target, std::move(details), result).with_ip(ip));
  });
}

HealthReport HealthService::health(int64_t actor, const std::string& window) {
  if (window != "hour" && window != "day") {
    throw Error(ErrorCode::kInvalidArgument, "window is hour or day", {{"window", window}});
  }
  require(actor, users::Role::kModerator, "read the health of the platform");
  HealthReport r;
  try {
    r.readiness = readiness_();
  } catch (const Error& e) {
    r.readiness = {{"status", "unready"}, {"problem", std::string(e.what())}};
  }
  r.window = window;
  r.now = clock_.now();
  r.step = sampler_.step();
  auto w = sampler_.window(window == "hour" ? 60 : 1440);
  r.at = std::move(w.at);
  auto& v = w.values;
  const Values none(r.at.size());
  const auto get = [&](const std::string& name) -> const Values& {
    auto it = v.find(name);
    return it == v.end() ? none : it->second;
  };
  v["parser.confidence"] = ratio(get("parser.confidence_sum"), get("parser.parses"));
  v["parser.review_share"] = ratio(get("parser.reviews"), get("parser.parses"));
  for (const auto& s : kShown) r.series.push_back({s.name, s.kind, s.unit, get(s.name)});
  for (const auto& [name, values] : v) {
    if (name.rfind(kRequests, 0) != 0) continue;
    const std::string route = name.substr(kRequests.size());
    const int64_t requests = total(values);
    if (requests > 0) r.routes.push_back({route, requests, total(get(kErrors + route))});
  }
  std::stable_sort(r.routes.begin(), r.routes.end(),
                   [](const auto& a, const auto& b) { return a.requests > b.requests; });
  r.memory_bytes = sampler_.memory_bytes();
  r.max_memory_bytes = sampler_.max_memory_bytes();
  r.series_kept = sampler_.series();
  return r;
}

std::vector<jobs::JobStatus> HealthService::jobs(int64_t actor) {
  require(actor, users::Role::kModerator, "see the scheduled jobs");
  return scheduler_.status();
}

jobs::JobStatus HealthService::run_job(int64_t actor, const std::string& ip,
                                       const std::string& name) {
  require(actor, users::Role::kAdmin, "run a job", "admin.job_run", "job:" + name, ip);
  limit(actor);
  const auto all = scheduler_.status();
  if (std::none_of(all.begin(), all.end(), [&](const auto& j) { return j.name == name; })) {
    throw Error(ErrorCode::kNotFound, "no job named " + name, {{"name", name}});
  }
  std::string error;
  try {
    scheduler_.run_now(name);  // CONFLICT while it runs: nothing to record
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kConflict) throw;
    error = std::string(e.what());
  } catch (const std::exception& e) {
    error = e.what();
  }
  for (auto& j : scheduler_.status()) {
    if (j.name != name) continue;
    nlohmann::json details = {{"error", error}};
    if (j.last_started && j.last_finished) {
      details["duration_s"] = static_cast<double>(*j.last_finished - *j.last_started) / 1e6;
    }
    record(actor, ip, "admin.job_run", "job:" + name, details, error.empty() ? "ok" : "failed");
    return j;
  }
  throw Error(ErrorCode::kNotFound, "no job named " + name, {{"name", name}});
}

LogPage HealthService::logs(int64_t actor, const LogsRequest& request) {
  require(actor, users::Role::kAdmin, "read the logs", "admin.logs_read", "logs");
  const auto level = parse_log_level(request.level);
  if (!level) {
    throw Error(ErrorCode::kInvalidArgument,
                "level is one of trace, debug, info, warn, error, critical",
                {{"level", request.level}});
  }
  if (request.limit < 1 || request.limit > 1000) {
    throw Error(ErrorCode::kInvalidArgument, "limit is 1 to 1000", {{"limit", request.limit}});
  }
  const auto characters = std::count_if(request.contains.begin(), request.contains.end(),
                                        [](char c) { return (c & 0xC0) != 0x80; });
  if (characters > 200) {
    throw Error(ErrorCode::kInvalidArgument, "the text filter is at most 200 characters");
  }
  const LogRing& ring = options_.logs != nullptr ? *options_.logs : log_ring();
  return ring.read({request.after, *level, request.contains, static_cast<size_t>(request.limit)});
}

BackupList HealthService::backups(int64_t actor) {
  require(actor, users::Role::kModerator, "see the backups");
  BackupList out;
  if (backups_ == nullptr) return out;
  out.configured = true;
  out.locations = backups_->locations();
  out.items = backups_->list();
  return out;
}

backup::VerifyResult HealthService::verify_backup(int64_t actor, const std::string& ip,
                                                  const std::string& id) {
  require(actor, users::Role::kAdmin, "verify a backup", "admin.backup_verify", "backup:" + id, ip);
  if (backups_ == nullptr) {
    throw Error(ErrorCode::kConflict,
                "backups are not configured on this node (backup.key_file is not set)");
  }
  limit(actor);
  const auto all = backups_->list();
  if (std::none_of(all.begin(), all.end(), [&](const auto& m) { return m.id == id; })) {
    throw Error(ErrorCode::kNotFound, "no backup " + id, {{"id", id}});
  }
  const auto v = backups_->verify(id);
  record(actor, ip, "admin.backup_verify", "backup:" + id,
         {{"seconds", v.seconds}, {"problem", v.problem}}, v.ok ? "ok" : "damaged");
  return v;
}

}  // namespace lucas::health
