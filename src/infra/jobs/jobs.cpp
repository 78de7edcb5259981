#include "infra/jobs/jobs.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "base/error.h"
#include "infra/jobs/jobs_store.h"
#include "infra/telemetry/metrics.h"

namespace lucas::jobs {
namespace {

namespace chr = std::chrono;

constexpr Micros kMinute = 60'000'000;
constexpr Micros kDay = 24 * 60 * kMinute;

// Floor division for negative times too.
Micros floor_div(Micros a, Micros b) {
  Micros q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

chr::sys_days day_of(Micros t) {
  return chr::sys_days(chr::days(floor_div(t, kDay)));
}
Micros micros_of(chr::sys_days d) {
  return static_cast<Micros>(d.time_since_epoch().count()) * kDay;
}

void check_time(int hour, int minute) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw std::invalid_argument("schedule time must be 00:00..23:59");
  }
}

std::string hhmm(int hour, int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------- Schedule

Schedule Schedule::every(Micros interval) {
  if (interval <= 0) throw std::invalid_argument("schedule interval must be positive");
  return Schedule(Kind::kEvery, interval, 0, 0, 0);
}
Schedule Schedule::daily(int hour, int minute) {
  check_time(hour, minute);
  return Schedule(Kind::kDaily, 0, 0, hour, minute);
}
Schedule Schedule::weekly(int iso_weekday, int hour, int minute) {
  check_time(hour, minute);
  if (iso_weekday < 1 || iso_weekday > 7) throw std::invalid_argument("weekday must be 1..7");
  return Schedule(Kind::kWeekly, 0, iso_weekday, hour, minute);
}
Schedule Schedule::monthly(int day, int hour, int minute) {
  check_time(hour, minute);
  if (day < 1 || day > 28) throw std::invalid_argument("day of month must be 1..28");
  return Schedule(Kind::kMonthly, 0, day, hour, minute);
}

Micros Schedule::last_at_or_before(Micros t) const {
  const Micros offset = hour_ * 60 * kMinute + minute_ * kMinute;
  switch (kind_) {
    case Kind::kEvery:
      return floor_div(t, interval_) * interval_;
    case Kind::kDaily: {
      Micros c = micros_of(day_of(t)) + offset;
      return c <= t ? c : c - kDay;
    }
    case Kind::kWeekly: {
      const chr::sys_days d = day_of(t);
      const int wd = static_cast<int>(chr::weekday(d).iso_encoding());
      Micros c = micros_of(d - chr::days((wd - day_ + 7) % 7)) + offset;
      return c <= t ? c : c - 7 * kDay;
    }
    case Kind::kMonthly: {
      const chr::year_month_day ymd(day_of(t));
      chr::year_month ym = ymd.year() / ymd.month();
      auto at = [&](chr::year_month m) {
        return micros_of(chr::sys_days(m / chr::day(static_cast<unsigned>(day_)))) + offset;
      };
      Micros c = at(ym);
      if (c > t) c = at(ym - chr::months(1));
      return c;
    }
  }
  return t;
}

Micros Schedule::next_after(Micros t) const {
  const Micros last = last_at_or_before(t);
  switch (kind_) {
    case Kind::kEvery:
      return last + interval_;
    case Kind::kDaily:
      return last + kDay;
    case Kind::kWeekly:
      return last + 7 * kDay;
    case Kind::kMonthly: {
      const chr::year_month_day ymd(day_of(last));
      const chr::year_month next = ymd.year() / ymd.month() + chr::months(1);
      return micros_of(chr::sys_days(next / ymd.day())) + (last - micros_of(day_of(last)));
    }
  }
  return t;
}

std::string Schedule::describe() const {
  static const char* kDays[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  switch (kind_) {
    case Kind::kEvery:
      return "every " + std::to_string(interval_ / 1'000'000) + " s";
    case Kind::kDaily:
      return "daily " + hhmm(hour_, minute_) + " UTC";
    case Kind::kWeekly:
      return std::string("weekly ") + kDays[day_] + " " + hhmm(hour_, minute_) + " UTC";
    case Kind::kMonthly:
      return "monthly day " + std::to_string(day_) + " " + hhmm(hour_, minute_) + " UTC";
  }
  return "";
}

// ---------------------------------------------------------------- DbLeadership

DbLeadership::DbLeadership(store::Database& db, int64_t lock_key) : db_(db), key_(lock_key) {}

DbLeadership::~DbLeadership() {
  resign();
}

bool DbLeadership::lead() {
  if (db_.engine() == store::Engine::kSqlite) return true;
  std::lock_guard lock(mu_);
  try {
    if (lease_ && leading_) {
      // Still our session? A dead connection has already released the lock at the server.
      sql::ping(**lease_);
      if ((*lease_)->healthy()) return true;
    }
  } catch (const std::exception& e) {
    spdlog::warn("job leadership lost: {}", e.what());
  }
  if (leading_) spdlog::warn("this node is no longer the job leader");
  leading_ = false;
  try {
    if (!lease_ || !(*lease_)->healthy()) {
      lease_.reset();
      lease_.emplace(db_.acquire());
    }
    leading_ = sql::try_advisory_lock(**lease_, key_);
    if (leading_) spdlog::info("this node is the job leader");
  } catch (const std::exception& e) {
    spdlog::warn("cannot take job leadership: {}", e.what());
    lease_.reset();
    leading_ = false;
  }
  return leading_;
}

void DbLeadership::resign() {
  std::lock_guard lock(mu_);
  if (lease_ && leading_) {
    try {
      sql::advisory_unlock(**lease_, key_);
    } catch (const std::exception&) {
      // The lock goes with the connection anyway.
    }
  }
  leading_ = false;
  lease_.reset();
}

// ---------------------------------------------------------------- Scheduler

Scheduler::Scheduler(store::Database& db, const Clock& clock, Leadership& leadership,
                     telemetry::Registry* metrics, std::string node)
    : db_(db), clock_(clock), leadership_(leadership), metrics_(metrics), node_(std::move(node)) {
  if (metrics_ != nullptr) {
    metrics_->gauge("lucas_job_leader", "1 while this node leads (runs the scheduled jobs).",
                    [l = leading_] { return l->load() ? 1.0 : 0.0; });
  }
}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::add(std::string name, Schedule schedule, JobFn fn) {
  std::lock_guard lock(mu_);
  if (name.empty() || jobs_.count(name)) {
    throw Error(ErrorCode::kInvalidArgument, "job name must be unique and non-empty: " + name);
  }
  auto job = std::make_unique<Job>(name, schedule, std::move(fn));
  jobs_.emplace(std::move(name), std::move(job));
  rows_ready_ = false;
}

void Scheduler::ensure_rows() {
  {
    std::lock_guard lock(mu_);
    if (rows_ready_) return;
  }
  const Micros now = clock_.now();
  std::vector<Job*> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [n, j] : jobs_) all.push_back(j.get());
  }
  db_.transact([&](store::Tx& tx) {
    for (Job* j : all) {
      const auto row = sql::schedule_of(tx, j->name);
      const std::string desc = j->schedule.describe();
      if (!row) {
        sql::insert_job(tx, j->name, desc, j->schedule.next_after(now));
      } else if (*row != desc) {
        // The schedule changed in the code: the next run follows the new one.
        sql::update_schedule(tx, j->name, desc, j->schedule.next_after(now));
      }
    }
  });
  std::lock_guard lock(mu_);
  rows_ready_ = true;
}

std::optional<Run> Scheduler::claim(Job& job) {
  const Micros now = clock_.now();
  return db_.transact([&](store::Tx& tx) -> std::optional<Run> {
    const auto r = sql::next_due(tx, job.name);
    if (!r) return std::nullopt;
    const Micros next_due = *r;
    if (now < next_due) return std::nullopt;
    const Micros due = job.schedule.last_at_or_before(now);
    int missed = 0;
    for (Micros t = next_due; t < due && missed < 1'000'000; t = job.schedule.next_after(t)) {
      ++missed;
    }
    // Compare-and-set: of two nodes that both think they lead, one claims the run.
    if (!sql::claim_run(tx, job.name, next_due, job.schedule.next_after(now), due, now, node_)) {
      return std::nullopt;
    }
    return Run{job.name, due, now, missed};
  });
}

void Scheduler::execute(Job& job, const Run& run, bool rethrow) {
  std::string error;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    job.fn(run);
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "failed";
  } catch (...) {
    error = "failed with a non-standard exception";
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (error.empty()) {
    spdlog::info("job {} done in {:.3f} s (due {})", job.name, seconds, format_rfc3339(run.due));
  } else {
    spdlog::error("job {} failed after {:.3f} s: {}", job.name, seconds, error);
  }
  if (metrics_) {
    metrics_
        ->counter("lucas_job_runs_total", "Scheduled job runs by result.",
                  {{"job", job.name}, {"result", error.empty() ? "ok" : "failed"}})
        .inc();
    metrics_
        ->histogram("lucas_job_duration_seconds", "Scheduled job run time.", {{"job", job.name}})
        .observe(seconds);
  }
  try {
    db_.transact([&](store::Tx& tx) { sql::record_result(tx, job.name, clock_.now(), error); });
  } catch (const std::exception& e) {
    spdlog::error("job {}: cannot record its result: {}", job.name, e.what());
  }
  if (rethrow && !error.empty())
    throw Error(ErrorCode::kInternal, "job " + job.name + ": " + error);
}

std::vector<Scheduler::Job*> Scheduler::jobs_if_leading() {
  ensure_rows();
  *leading_ = leadership_.lead();
  std::vector<Job*> all;
  if (!*leading_) return all;
  std::lock_guard lock(mu_);
  for (auto& [n, j] : jobs_) all.push_back(j.get());
  return all;
}

int Scheduler::tick() {
  int ran = 0;
  for (Job* j : jobs_if_leading()) {
    if (j->running.exchange(true)) continue;
    try {
      if (auto run = claim(*j)) {
        execute(*j, *run, false);
        ++ran;
      }
    } catch (const std::exception& e) {
      spdlog::error("job {}: cannot claim its run: {}", j->name, e.what());
    }
    j->running = false;
  }
  return ran;
}

void Scheduler::run_now(const std::string& name) {
  ensure_rows();
  Job* job = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(name);
    if (it == jobs_.end()) throw Error(ErrorCode::kNotFound, "no job named " + name);
    job = it->second.get();
  }
  if (job->running.exchange(true)) {
    throw Error(ErrorCode::kConflict, "job " + name + " is running now");
  }
  const Micros now = clock_.now();
  try {
    db_.transact([&](store::Tx& tx) { sql::mark_started(tx, name, now, node_); });
    execute(*job, Run{name, now, now, 0}, true);
  } catch (...) {
    job->running = false;
    throw;
  }
  job->running = false;
}

std::vector<JobStatus> Scheduler::status() {
  ensure_rows();
  std::map<std::string, std::pair<std::string, bool>> known;
  {
    std::lock_guard lock(mu_);
    for (auto& [n, j] : jobs_) known[n] = {j->schedule.describe(), j->running.load()};
  }
  return db_.read([&](store::Tx& tx) {
    std::vector<JobStatus> out;
    for (auto& s : sql::all(tx)) {
      auto it = known.find(s.name);
      if (it == known.end()) continue;  // a job this build no longer has
      s.running = it->second.second;
      out.push_back(std::move(s));
    }
    return out;
  });
}

void Scheduler::start(Micros poll) {
  loop_.start({.period = poll}, [this]() -> std::optional<Micros> {
    try {
      start_due_workers();
    } catch (const std::exception& e) {
      spdlog::error("job scheduler: {}", e.what());
    }
    return std::nullopt;
  });
}

void Scheduler::start_due_workers() {
  for (Job* j : jobs_if_leading()) {
    if (j->running.exchange(true)) continue;
    std::optional<Run> run;
    try {
      run = claim(*j);
    } catch (const std::exception& e) {
      spdlog::error("job {}: cannot claim its run: {}", j->name, e.what());
    }
    if (!run) {
      j->running = false;
      continue;
    }
    std::lock_guard lock(workers_mu_);
    // The job's previous worker has finished (running was false): reap it first.
    auto& worker = workers_[j->name];
    if (worker.joinable()) worker.join();
    worker = std::thread([this, j, r = *run] {
      execute(*j, r, false);
      j->running = false;
    });
  }
}

void Scheduler::stop() {
  loop_.stop();
  std::map<std::string, std::thread> workers;
  {
    std::lock_guard lock(workers_mu_);
    workers.swap(workers_);
  }
  for (auto& [name, w] : workers) {
    if (w.joinable()) w.join();
  }
  leadership_.resign();
  *leading_ = false;
}

}  // namespace lucas::jobs
