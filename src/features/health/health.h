// The admin panel's health, jobs and backups (issue 17, requirement 34): this node's readiness
// and the last hour or day of its key series (sampled every minute into an in-process ring,
// sampler.h), the scheduled jobs with "run now", and the backups with "verify". Authorization is
// checked here: moderators, admins and the owner read; only admins and the owner run a job or
// verify a backup (0 is the operator at the console). Every run and verification is audited, and
// so is every refused attempt (result "denied"); both are limited per admin (6 a minute). Admins
// also read this node's live logs (the last lines the logger wrote, filtered by level and text).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log_ring.h"
#include "features/health/sampler.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/backup/backup.h"
#include "infra/jobs/jobs.h"
#include "infra/ratelimit/limiter.h"
#include "infra/store/db.h"

namespace lucas::health {

// The /readyz answer of this node; throws UNAVAILABLE (with the reason) when it is not ready.
// The composition root passes the one function /readyz itself answers with.
using ReadinessFn = std::function<nlohmann::json()>;

// One series of a window: values aligned with HealthReport::at (null: no sample, or no rate yet).
struct Series {
  std::string name;
  std::string kind;  // "rate" (per minute), "gauge" or "ratio" (0..1)
  std::string unit;
  std::vector<std::optional<double>> values;
};

struct RouteTraffic {
  std::string route;
  int64_t requests = 0;
  int64_t errors = 0;  // 5xx
};

struct HealthReport {
  nlohmann::json readiness;  // the /readyz answer, or {"status": "unready", "problem", "node"}
  std::string window;        // "hour" or "day"
  Micros now = 0;
  Micros step = 0;
  std::vector<Micros> at;  // the sampled minutes of the window, oldest first
  std::vector<Series> series;
  std::vector<RouteTraffic> routes;  // requests and 5xx per route in the window, busiest first
  size_t memory_bytes = 0, max_memory_bytes = 0, series_kept = 0;
};

struct BackupList {
  bool configured = false;  // backup.key_file is set
  size_t locations = 0;
  std::vector<backup::Manifest> items;  // newest first
};

struct Options {
  // Runs and verifications per admin per window (on top of the API's own limit).
  int actions_per_minute = 6;
  // Where the live logs are read: the process's ring (base/log_ring.h) when null.
  const LogRing* logs = nullptr;
  std::string node;  // this node's name, shown with its logs
};

// The filter of the live logs, as a face received it (the service checks it).
struct LogsRequest {
  uint64_t after = 0;
  std::string level = "trace";  // the lowest level shown
  std::string contains;         // text the message must contain (at most 200 characters)
  int64_t limit = 200;          // 1..1000
};

class HealthService {
 public:
  // `backups` is null when backups are not configured; `limiter` null: no per-action limit.
  HealthService(store::Database& db, users::UserService& users, audit::AuditLog& audit,
                const Clock& clock, jobs::Scheduler& scheduler, backup::BackupService* backups,
                Sampler& sampler, ReadinessFn readiness, ratelimit::Limiter* limiter,
                Options options = {});

  // Readiness and the series of the last hour (60 minutes) or day (1440). INVALID_ARGUMENT for
  // another window. Moderators and up.
  HealthReport health(int64_t actor, const std::string& window);

  // Every job: schedule, next and last run. Moderators and up.
  std::vector<jobs::JobStatus> jobs(int64_t actor);
  // Runs the job now on this node, whatever its schedule (as `lucas jobs run`), and answers its
  // status after the run; a job that fails is answered with last_result "failed" (the run
  // happened). Admins only (FORBIDDEN, audited as refused); NOT_FOUND for an unknown job;
  // CONFLICT while it runs; RATE_LIMITED past the per-admin limit. Audited ("admin.job_run").
  jobs::JobStatus run_job(int64_t actor, const std::string& ip, const std::string& name);

  // The backups (newest first); configured false and no items when backup.key_file is not set.
  // Moderators and up.
  BackupList backups(int64_t actor);
  // Checks every copy of a backup and restores it into a scratch database (as `lucas backup
  // verify`). Admins only (FORBIDDEN, audited as refused); CONFLICT when backups are not
  // configured; NOT_FOUND for an unknown id; RATE_LIMITED as above. Audited
  // ("admin.backup_verify", result "ok" or "damaged").
  backup::VerifyResult verify_backup(int64_t actor, const std::string& ip, const std::string& id);

  // The last lines this node logged after `after`, at `level` or above, oldest first (see
  // LogPage: the cursor to follow with, and whether lines were dropped before they were read).
  // INVALID_ARGUMENT for an unknown level, a limit outside 1..1000 or a longer filter text.
  // Admins only (logs name users and chats); the refusal is audited. The same lines stream to
  // subscribers of the WebSocket topic "admin.logs" (log_stream.h).
  LogPage logs(int64_t actor, const LogsRequest& request);
  const std::string& node() const { return options_.node; }

 private:
  // FORBIDDEN unless `actor` has at least `role` (0: the console); a refused action is audited.
  void require(int64_t actor, users::Role role, const std::string& what,
               const std::string& action = {}, const std::string& target = {},
               const std::string& ip = {});
  void limit(int64_t actor);
  void record(int64_t actor, const std::string& ip, const std::string& action,
              const std::string& target, nlohmann::json details, const std::string& result);

  store::Database& db_;
  users::UserService& users_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  jobs::Scheduler& scheduler_;
  backup::BackupService* backups_;
  Sampler& sampler_;
  ReadinessFn readiness_;
  ratelimit::Limiter* limiter_;
  Options options_;
};

}  // namespace lucas::health
