// Scheduled jobs: UTC schedules (property-tested with a moving clock), runs claimed once in the
// database on SQLite and PostgreSQL, coalescing of missed runs, restarts, failures, and leadership
// through a PostgreSQL advisory lock that passes to another node when the leader goes away.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <thread>

#include "infra/jobs/jobs.h"
#include "tests/support/databases.h"

namespace lucas::jobs {
namespace {

constexpr Micros kSec = 1'000'000;
constexpr Micros kMin = 60 * kSec;
constexpr Micros kHour = 60 * kMin;
constexpr Micros kDay = 24 * kHour;

Micros at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

TEST(Schedule, DailyWeeklyMonthlyBoundaries) {
  const auto daily = Schedule::daily(3, 30);
  EXPECT_EQ(daily.next_after(at("2026-12-04T01:00:00Z")), at("2026-12-04T03:30:00Z"));
  EXPECT_EQ(daily.next_after(at("2026-12-04T03:30:00Z")), at("2026-12-05T03:30:00Z"));
  EXPECT_EQ(daily.last_at_or_before(at("2026-12-04T03:30:00Z")), at("2026-12-04T03:30:00Z"));
  EXPECT_EQ(daily.last_at_or_before(at("2026-12-04T03:29:59Z")), at("2026-12-03T03:30:00Z"));

  const auto monday = Schedule::weekly(1);
  // 2026-12-04 is a Friday; the next Monday is the 7th.
  EXPECT_EQ(monday.next_after(at("2026-12-04T12:00:00Z")), at("2026-12-07T00:00:00Z"));
  EXPECT_EQ(monday.last_at_or_before(at("2026-12-04T12:00:00Z")), at("2026-11-30T00:00:00Z"));
  EXPECT_EQ(Schedule::weekly(7, 23).next_after(at("2026-12-06T23:00:00Z")),
            at("2026-12-13T23:00:00Z"));

  const auto first = Schedule::monthly(1);
  EXPECT_EQ(first.next_after(at("2026-12-04T00:00:00Z")), at("2027-01-01T00:00:00Z"));
  EXPECT_EQ(first.next_after(at("2027-01-31T23:59:59Z")), at("2027-02-01T00:00:00Z"));
  EXPECT_EQ(first.last_at_or_before(at("2027-03-01T00:00:00Z")), at("2027-03-01T00:00:00Z"));
  EXPECT_EQ(Schedule::monthly(28, 2).next_after(at("2028-02-28T02:00:00Z")),
            at("2028-03-28T02:00:00Z"));

  const auto hourly = Schedule::every(kHour);
  EXPECT_EQ(hourly.next_after(at("2026-12-04T10:59:59Z")), at("2026-12-04T11:00:00Z"));
  EXPECT_EQ(hourly.next_after(at("2026-12-04T11:00:00Z")), at("2026-12-04T12:00:00Z"));
  EXPECT_EQ(hourly.describe(), "every 3600 s");
  EXPECT_EQ(Schedule::weekly(1, 3).describe(), "weekly Mon 03:00 UTC");

  EXPECT_THROW(Schedule::every(0), std::invalid_argument);
  EXPECT_THROW(Schedule::daily(24), std::invalid_argument);
  EXPECT_THROW(Schedule::monthly(29), std::invalid_argument);
  EXPECT_THROW(Schedule::weekly(0), std::invalid_argument);
}

// For any schedule and any time t: last(t) <= t < next(t), next(t) is a due time (last(next) ==
// next), and no due time lies strictly between them (last(next - 1) == last(t)).
RC_GTEST_PROP(ScheduleProperty, DueTimesBracketAnyInstant, ()) {
  const int kind = *rc::gen::inRange(0, 4);
  const int hour = *rc::gen::inRange(0, 24);
  const int minute = *rc::gen::inRange(0, 60);
  Schedule s = Schedule::every(*rc::gen::inRange<int64_t>(1, 40 * kDay));
  if (kind == 1) s = Schedule::daily(hour, minute);
  if (kind == 2) s = Schedule::weekly(*rc::gen::inRange(1, 8), hour, minute);
  if (kind == 3) s = Schedule::monthly(*rc::gen::inRange(1, 29), hour, minute);
  // 1970 .. 2100, microsecond resolution.
  const Micros t = *rc::gen::inRange<int64_t>(0, 4'102'444'800LL * kSec);
  const Micros last = s.last_at_or_before(t);
  const Micros next = s.next_after(t);
  RC_ASSERT(last <= t);
  RC_ASSERT(t < next);
  RC_ASSERT(s.last_at_or_before(next) == next);
  RC_ASSERT(s.last_at_or_before(next - 1) == last);
  RC_ASSERT(s.next_after(last) == next);
}

class JobsTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    t_ = lucas::testing::fresh_database(GetParam());
    store::migrate(*t_.db, {migrations()}, clock_);
  }
  lucas::testing::TestDatabase t_;
  ManualClock clock_{at("2026-12-04T10:15:00Z")};
  AlwaysLeader leader_;
};

TEST_P(JobsTest, RunsOncePerDueTimeAndCoalescesMissedRuns) {
  Scheduler s(*t_.db, clock_, leader_);
  std::vector<jobs::Run> runs;
  s.add("hourly", Schedule::every(kHour), [&](const jobs::Run& r) { runs.push_back(r); });
  EXPECT_EQ(s.tick(), 0);  // first due at 11:00
  clock_.set(at("2026-12-04T11:00:00Z"));
  EXPECT_EQ(s.tick(), 1);
  EXPECT_EQ(s.tick(), 0);  // not twice
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].due, at("2026-12-04T11:00:00Z"));
  EXPECT_EQ(runs[0].missed, 0);

  // Nobody ran for five hours: one run, for the latest due time, reporting what it skipped.
  clock_.set(at("2026-12-04T16:20:00Z"));
  EXPECT_EQ(s.tick(), 1);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].due, at("2026-12-04T16:00:00Z"));
  EXPECT_EQ(runs[1].missed, 4);  // 12:00, 13:00, 14:00, 15:00
  const auto st = s.status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].runs, 2);
  EXPECT_EQ(st[0].last_result, "ok");
  EXPECT_EQ(st[0].next_due, at("2026-12-04T17:00:00Z"));
}

TEST_P(JobsTest, ARestartNeitherRepeatsNorForgets) {
  int runs = 0;
  {
    Scheduler s(*t_.db, clock_, leader_);
    s.add("daily", Schedule::daily(), [&](const jobs::Run&) { ++runs; });
    EXPECT_EQ(s.tick(), 0);  // registered: first due at midnight
    clock_.set(at("2026-12-05T00:00:01Z"));
    EXPECT_EQ(s.tick(), 1);
  }
  {
    // Same database, a new process: the run of the 5th is not repeated...
    Scheduler s(*t_.db, clock_, leader_);
    s.add("daily", Schedule::daily(), [&](const jobs::Run&) { ++runs; });
    EXPECT_EQ(s.tick(), 0);
    // ...and the 6th, due while it was down, is run when it comes back.
  }
  clock_.set(at("2026-12-06T08:00:00Z"));
  Scheduler s(*t_.db, clock_, leader_);
  s.add("daily", Schedule::daily(), [&](const jobs::Run&) { ++runs; });
  EXPECT_EQ(s.tick(), 1);
  EXPECT_EQ(runs, 2);
}

TEST_P(JobsTest, TwoNodesThatBothLeadStillRunEachDueTimeOnce) {
  std::atomic<int> runs{0};
  Scheduler a(*t_.db, clock_, leader_);
  Scheduler b(*t_.db, clock_, leader_);
  for (auto* s : {&a, &b})
    s->add("rollover", Schedule::every(kMin), [&](const jobs::Run&) { ++runs; });
  EXPECT_EQ(a.tick() + b.tick(), 0);
  int expected = 0;
  for (int i = 0; i < 20; ++i) {
    clock_.advance(kMin);
    std::thread ta([&] { a.tick(); });
    std::thread tb([&] { b.tick(); });
    ta.join();
    tb.join();
    ++expected;
  }
  EXPECT_EQ(runs.load(), expected);
}

TEST_P(JobsTest, AFailureIsRecordedAndTheJobIsDueAgainAtItsNextTime) {
  Scheduler s(*t_.db, clock_, leader_);
  int calls = 0;
  s.add("flaky", Schedule::every(kHour), [&](const jobs::Run&) {
    if (++calls == 1) throw std::runtime_error("disk full");
  });
  EXPECT_EQ(s.tick(), 0);
  clock_.set(at("2026-12-04T11:00:00Z"));
  EXPECT_EQ(s.tick(), 1);
  auto st = s.status();
  EXPECT_EQ(st[0].last_result, "failed");
  EXPECT_EQ(st[0].last_error, "disk full");
  EXPECT_EQ(st[0].failures, 1);
  EXPECT_EQ(s.tick(), 0);
  clock_.set(at("2026-12-04T12:00:00Z"));
  EXPECT_EQ(s.tick(), 1);
  st = s.status();
  EXPECT_EQ(st[0].last_result, "ok");
  EXPECT_EQ(st[0].runs, 2);
}

TEST_P(JobsTest, RunNowRunsAtOnceAndKeepsTheSchedule) {
  Scheduler s(*t_.db, clock_, leader_);
  int calls = 0;
  s.add("backup", Schedule::every(6 * kHour), [&](const jobs::Run&) { ++calls; });
  s.add("broken", Schedule::every(6 * kHour),
        [&](const jobs::Run&) { throw std::runtime_error("no"); });
  s.run_now("backup");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.status()[0].next_due, at("2026-12-04T12:00:00Z"));
  EXPECT_THROW(s.run_now("nope"), Error);
  EXPECT_THROW(s.run_now("broken"), Error);
  EXPECT_THROW(s.add("backup", Schedule::daily(), [](const jobs::Run&) {}), Error);
}

TEST_P(JobsTest, TheBackgroundLoopRunsDueJobsOnTheirOwnThreads) {
  Scheduler s(*t_.db, clock_, leader_);
  std::atomic<int> calls{0};
  s.add("tick", Schedule::every(kMin), [&](const jobs::Run&) { ++calls; });
  EXPECT_EQ(s.tick(), 0);
  s.start(2'000);  // poll every 2 ms
  clock_.advance(kMin);
  for (int i = 0; i < 5000 && calls.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s.stop();
  EXPECT_EQ(calls.load(), 1);
}

TEST_P(JobsTest, OnlyOneNodeLeadsAndAnotherTakesOverWhenItGoesAway) {
  DbLeadership a(*t_.db);
  DbLeadership b(*t_.db);
  ASSERT_TRUE(a.lead());
  if (GetParam() == store::Engine::kSqlite) {
    EXPECT_TRUE(b.lead());  // one node per SQLite file: every process leads
    return;
  }
  EXPECT_FALSE(b.lead());
  EXPECT_TRUE(a.lead());  // keeps it
  a.resign();
  EXPECT_TRUE(b.lead());
  EXPECT_FALSE(a.lead());
  {
    // A leader that dies (its connection closes) frees the lock for the others.
    auto c = std::make_unique<DbLeadership>(*t_.db, 4242);
    ASSERT_TRUE(c->lead());
    DbLeadership d(*t_.db, 4242);
    EXPECT_FALSE(d.lead());
    c.reset();
    EXPECT_TRUE(d.lead());
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, JobsTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::jobs
