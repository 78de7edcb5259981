// Scheduled jobs: backups, leaderboard rollovers, retraining, drift checks, ... Schedules are in
// UTC and read time from the injected Clock. Each job's next due time is persisted, so a restart
// neither repeats nor forgets a run (runs missed while no node was up are coalesced into one), and
// a job runs on exactly one node: only the leader runs jobs, and every run is claimed in the
// database first, so even two nodes that both believe they lead cannot run it twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/worker/worker.h"

namespace lucas::telemetry {
class Registry;
}

namespace lucas::jobs {

store::MigrationSet migrations();

// When a job is due, in UTC.
class Schedule {
 public:
  // Every `interval` (> 0), aligned to the Unix epoch: every(1h) runs at each full hour.
  static Schedule every(Micros interval);
  static Schedule daily(int hour = 0, int minute = 0);
  // iso_weekday: 1 Monday .. 7 Sunday.
  static Schedule weekly(int iso_weekday = 1, int hour = 0, int minute = 0);
  // day of month 1..28 (so that every month has it).
  static Schedule monthly(int day = 1, int hour = 0, int minute = 0);

  // The first due time strictly after t, and the last one at or before t.
  Micros next_after(Micros t) const;
  Micros last_at_or_before(Micros t) const;
  std::string describe() const;  // "every 3600 s", "daily 00:00 UTC", "weekly Mon 03:00 UTC", ...

 private:
  enum class Kind { kEvery, kDaily, kWeekly, kMonthly };
  Schedule(Kind kind, Micros interval, int day, int hour, int minute)
      : kind_(kind), interval_(interval), day_(day), hour_(hour), minute_(minute) {}
  Kind kind_;
  Micros interval_ = 0;
  int day_ = 0, hour_ = 0, minute_ = 0;
};

// What a job is told when it runs.
struct Run {
  std::string job;
  Micros due = 0;      // the scheduled moment this run is for (the latest one, when coalesced)
  Micros started = 0;  // clock time at start
  int missed = 0;      // due times skipped because no node ran them (coalesced into this run)
};
using JobFn = std::function<void(const Run&)>;

// Who may run jobs. One node at a time holds leadership; a node that loses it stops running jobs.
class Leadership {
 public:
  virtual ~Leadership() = default;
  // Called before every scheduler tick: keeps or tries to take leadership; true when leading.
  virtual bool lead() = 0;
  // Gives leadership up (at shutdown), so another node takes over at once.
  virtual void resign() {}
};

// A single node (the embedded default).
class AlwaysLeader final : public Leadership {
 public:
  bool lead() override { return true; }
};

// Leadership in the database: on PostgreSQL a session advisory lock held on a dedicated
// connection (lost, and free for another node, the moment this process or its connection dies);
// on SQLite every process leads (one node per database file).
class DbLeadership final : public Leadership {
 public:
  explicit DbLeadership(store::Database& db,
                        int64_t lock_key = 0x6c7563617301 /* "lucas" 01; not the migration lock */);
  ~DbLeadership() override;
  bool lead() override;
  void resign() override;

 private:
  store::Database& db_;
  int64_t key_;
  std::mutex mu_;
  std::optional<store::Database::Lease> lease_;
  bool leading_ = false;
};

struct JobStatus {
  std::string name;
  std::string schedule;
  Micros next_due = 0;
  std::optional<Micros> last_due, last_started, last_finished;
  std::string last_result;  // "ok", "failed", or "" before the first run
  std::string last_error;
  std::string last_node;  // the node that claimed the last run
  int64_t runs = 0;
  int64_t failures = 0;
  bool running = false;
};

class Scheduler {
 public:
  // `node` is recorded with each run it claims (jobs.last_node). With metrics, lucas_job_leader is
  // 1 while this node's scheduler leads.
  Scheduler(store::Database& db, const Clock& clock, Leadership& leadership,
            telemetry::Registry* metrics = nullptr, std::string node = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Registers a job (before start()). A job new to the database is first due at its next
  // scheduled time after the first tick (or status()). Names are unique; INVALID_ARGUMENT for a
  // duplicate.
  void add(std::string name, Schedule schedule, JobFn fn);

  // Runs, on this thread, every job that is due (only while leading). Returns how many ran.
  // A job that throws is recorded as failed and is due again at its next scheduled time.
  int tick();
  // Runs one job now, whatever its schedule (`lucas jobs run NAME`); NOT_FOUND for an unknown
  // name. Does not change its next due time. Rethrows the job's failure after recording it.
  void run_now(const std::string& name);

  std::vector<JobStatus> status();

  // A background thread that ticks every `poll` and runs each due job on its own thread (a job
  // never overlaps itself). stop() waits for running jobs and resigns leadership.
  void start(Micros poll = 1'000'000);
  void stop();

 private:
  struct Job {
    Job(std::string n, Schedule s, JobFn f) : name(std::move(n)), schedule(s), fn(std::move(f)) {}
    std::string name;
    Schedule schedule;
    JobFn fn;
    std::atomic<bool> running{false};
  };
  // Claims the due run of `job` in the database; nullopt when it is not due or another node
  // claimed it first.
  std::optional<Run> claim(Job& job);
  void execute(Job& job, const Run& run, bool rethrow);
  void ensure_rows();
  // Ensures the jobs' rows and keeps or takes leadership: every job while leading, else none.
  std::vector<Job*> jobs_if_leading();
  void start_due_workers();  // the background loop's round: each due job on its worker thread

  store::Database& db_;
  const Clock& clock_;
  Leadership& leadership_;
  telemetry::Registry* metrics_;
  std::string node_;
  std::shared_ptr<std::atomic<bool>> leading_ = std::make_shared<std::atomic<bool>>(false);
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Job>> jobs_;
  bool rows_ready_ = false;

  std::mutex workers_mu_;
  std::map<std::string, std::thread> workers_;  // the last worker of each job
  worker::Worker loop_{"jobs"};                 // last: stopped before the members above go
};

}  // namespace lucas::jobs
