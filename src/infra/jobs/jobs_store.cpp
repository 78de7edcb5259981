#include "infra/jobs/jobs_store.h"

namespace lucas::jobs {

store::MigrationSet migrations() {
  return {"jobs",
          {{1, "jobs",
            "CREATE TABLE jobs ("
            " name TEXT PRIMARY KEY, schedule TEXT NOT NULL, next_due BIGINT NOT NULL,"
            " last_due BIGINT, last_started BIGINT, last_finished BIGINT,"
            " last_result TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',"
            " runs BIGINT NOT NULL DEFAULT 0, failures BIGINT NOT NULL DEFAULT 0,"
            " last_node TEXT NOT NULL DEFAULT '');"}}};
}

namespace sql {

using store::Value;

void ping(store::Connection& c) {
  c.exec("SELECT 1");
}

bool try_advisory_lock(store::Connection& c, int64_t key) {
  const auto r = c.exec("SELECT pg_try_advisory_lock($1)", {Value{key}});
  return r.one().str(0) == "t" || r.one().str(0) == "true" || r.one().str(0) == "1";
}

void advisory_unlock(store::Connection& c, int64_t key) {
  c.exec("SELECT pg_advisory_unlock($1)", {Value{key}});
}

std::optional<std::string> schedule_of(store::Tx& tx, const std::string& name) {
  const auto row = tx.exec("SELECT schedule FROM jobs WHERE name = $1", {Value{name}});
  if (row.empty()) return std::nullopt;
  return row.one().str(0);
}

void insert_job(store::Tx& tx, const std::string& name, const std::string& schedule,
                Micros next_due) {
  tx.exec("INSERT INTO jobs (name, schedule, next_due) VALUES ($1, $2, $3)",
          {Value{name}, Value{schedule}, Value{next_due}});
}

void update_schedule(store::Tx& tx, const std::string& name, const std::string& schedule,
                     Micros next_due) {
  tx.exec("UPDATE jobs SET schedule = $2, next_due = $3 WHERE name = $1",
          {Value{name}, Value{schedule}, Value{next_due}});
}

std::optional<Micros> next_due(store::Tx& tx, const std::string& name) {
  const auto r = tx.exec("SELECT next_due FROM jobs WHERE name = $1", {Value{name}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

bool claim_run(store::Tx& tx, const std::string& name, Micros expected, Micros next, Micros due,
               Micros now, const std::string& node) {
  const auto u = tx.exec(
      "UPDATE jobs SET next_due = $1, last_due = $2, last_started = $3, last_node = $6"
      " WHERE name = $4 AND next_due = $5",
      {Value{next}, Value{due}, Value{now}, Value{name}, Value{expected}, Value{node}});
  return u.affected == 1;
}

void mark_started(store::Tx& tx, const std::string& name, Micros now, const std::string& node) {
  tx.exec("UPDATE jobs SET last_due = $1, last_started = $1, last_node = $3 WHERE name = $2",
          {Value{now}, Value{name}, Value{node}});
}

void record_result(store::Tx& tx, const std::string& name, Micros finished_at,
                   const std::string& error) {
  tx.exec(
      "UPDATE jobs SET last_finished = $1, last_result = $2, last_error = $3,"
      " runs = runs + 1, failures = failures + $4 WHERE name = $5",
      {Value{finished_at}, Value{std::string(error.empty() ? "ok" : "failed")}, Value{error},
       Value{int64_t{error.empty() ? 0 : 1}}, Value{name}});
}

std::vector<JobStatus> all(store::Tx& tx) {
  std::vector<JobStatus> out;
  const auto rows = tx.exec(
      "SELECT name, schedule, next_due, last_due, last_started, last_finished, last_result,"
      " last_error, runs, failures, last_node FROM jobs ORDER BY name");
  for (const auto& r : rows.rows) {
    JobStatus s;
    s.name = r.str(0);
    s.schedule = r.str(1);
    s.next_due = r.i64(2);
    s.last_due = r.opt_i64(3);
    s.last_started = r.opt_i64(4);
    s.last_finished = r.opt_i64(5);
    s.last_result = r.str(6);
    s.last_error = r.str(7);
    s.runs = r.i64(8);
    s.failures = r.i64(9);
    s.last_node = r.str(10);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sql
}  // namespace lucas::jobs
