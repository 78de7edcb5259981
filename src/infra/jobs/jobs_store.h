// SQL of the scheduler (internal): the jobs table (one row per job: its schedule, when it is due
// next, its last run and result, counts of runs and failures) and the PostgreSQL advisory lock
// that elects the job leader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "infra/jobs/jobs.h"

namespace lucas::jobs::sql {

// Leadership, on the leader's own connection (PostgreSQL only).
void ping(store::Connection& c);  // throws when the connection is gone
bool try_advisory_lock(store::Connection& c, int64_t key);
void advisory_unlock(store::Connection& c, int64_t key);

// The schedule a job's row was written with; nullopt when it has no row.
std::optional<std::string> schedule_of(store::Tx& tx, const std::string& name);
void insert_job(store::Tx& tx, const std::string& name, const std::string& schedule,
                Micros next_due);
void update_schedule(store::Tx& tx, const std::string& name, const std::string& schedule,
                     Micros next_due);

std::optional<Micros> next_due(store::Tx& tx, const std::string& name);
// Compare-and-set of a run: moves next_due from `expected` to `next` and records the run's start
// by `node`. False when another node changed it first.
bool claim_run(store::Tx& tx, const std::string& name, Micros expected, Micros next, Micros due,
               Micros now, const std::string& node);
// A run started now, outside the schedule.
// A run started by hand (run_now) on `node`: its schedule is left as it is.
void mark_started(store::Tx& tx, const std::string& name, Micros now, const std::string& node);
// `error` empty: the run succeeded.
void record_result(store::Tx& tx, const std::string& name, Micros finished_at,
                   const std::string& error);

// Every job row, by name (`running` is left false).
std::vector<JobStatus> all(store::Tx& tx);

}  // namespace lucas::jobs::sql
