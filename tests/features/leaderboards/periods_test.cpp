// Period windows: UTC days, ISO weeks from Monday 00:00, calendar months and all-time, checked on
// the year end, ISO week 53, leap days and month ends, and property-tested against the C
// library's own calendar (gmtime/strftime %G-W%V, timegm) for any instant from 1970 to 2100.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <ctime>

#include "features/leaderboards/leaderboards.h"
#include "features/leaderboards/leaderboards_bot.h"
#include "tests/features/leaderboards/lb_fixture.h"

namespace lucas::leaderboards {
namespace {

using testing::at;
using testing::kDay;
using testing::kSec;

// The oracle: libc's calendar.
std::tm utc(Micros t) {
  const std::time_t s = static_cast<std::time_t>(t >= 0 ? t / kSec : (t - kSec + 1) / kSec);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}
std::string strf(Micros t, const char* format) {
  const std::tm tm = utc(t);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
Micros from_tm(std::tm tm) {
  return static_cast<Micros>(timegm(&tm)) * kSec;
}

TEST(Periods, DaysWeeksAndMonthsAtTheirEdges) {
  auto w = window_at(Period::kDaily, at("2026-12-31T23:59:59.999999Z"));
  EXPECT_EQ(w.id, "2026-12-31");
  EXPECT_EQ(w.starts_at, at("2026-12-31T00:00:00Z"));
  EXPECT_EQ(w.ends_at, at("2027-01-01T00:00:00Z"));
  EXPECT_EQ(window_at(Period::kDaily, at("2027-01-01T00:00:00Z")).id, "2027-01-01");

  // 2026 has 53 ISO weeks: Thursday 2026-12-31 is in W53, and so is Friday 2027-01-01.
  w = window_at(Period::kWeekly, at("2027-01-01T12:00:00Z"));
  EXPECT_EQ(w.id, "2026-W53");
  EXPECT_EQ(w.starts_at, at("2026-12-28T00:00:00Z"));  // a Monday
  EXPECT_EQ(w.ends_at, at("2027-01-04T00:00:00Z"));
  EXPECT_EQ(window_at(Period::kWeekly, at("2027-01-04T00:00:00Z")).id, "2027-W01");
  EXPECT_EQ(window_at(Period::kWeekly, at("2027-01-03T23:59:59Z")).id, "2026-W53");
  // Monday 2024-12-30 already belongs to 2025's first week.
  EXPECT_EQ(window_at(Period::kWeekly, at("2024-12-30T00:00:00Z")).id, "2025-W01");
  EXPECT_EQ(window_at(Period::kWeekly, at("2024-12-29T23:59:59Z")).id, "2024-W52");

  // Leap day.
  EXPECT_EQ(window_at(Period::kDaily, at("2028-02-29T08:00:00Z")).id, "2028-02-29");
  w = window_at(Period::kMonthly, at("2028-02-29T23:59:59Z"));
  EXPECT_EQ(w.id, "2028-02");
  EXPECT_EQ(w.starts_at, at("2028-02-01T00:00:00Z"));
  EXPECT_EQ(w.ends_at, at("2028-03-01T00:00:00Z"));
  EXPECT_EQ(window_at(Period::kMonthly, at("2027-02-28T23:59:59Z")).ends_at,
            at("2027-03-01T00:00:00Z"));
  EXPECT_EQ(window_at(Period::kMonthly, at("2026-12-15T00:00:00Z")).ends_at,
            at("2027-01-01T00:00:00Z"));

  const auto all = window_at(Period::kAllTime, at("2026-12-04T00:00:00Z"));
  EXPECT_EQ(all.id, "all");
  EXPECT_GT(all.ends_at, at("9999-12-31T00:00:00Z"));
  EXPECT_FALSE(previous_window(all).has_value());
  EXPECT_EQ(previous_window(window_at(Period::kMonthly, at("2027-01-10T00:00:00Z")))->id,
            "2026-12");
  EXPECT_EQ(previous_window(window_at(Period::kWeekly, at("2027-01-04T00:00:00Z")))->id,
            "2026-W53");
}

TEST(Periods, NamesAndWords) {
  EXPECT_EQ(parse_period("daily"), Period::kDaily);
  EXPECT_EQ(parse_period("WEEK"), Period::kWeekly);
  EXPECT_EQ(parse_period("month"), Period::kMonthly);
  EXPECT_EQ(parse_period("all"), Period::kAllTime);
  EXPECT_EQ(parse_period("all_time"), Period::kAllTime);
  EXPECT_FALSE(parse_period("year").has_value());
  EXPECT_FALSE(parse_period("").has_value());
  for (Period p : kAllPeriods) EXPECT_EQ(parse_period(period_name(p)), p);

  EXPECT_EQ(parse_period_word(""), Period::kAllTime);
  EXPECT_EQ(parse_period_word("День"), Period::kDaily);
  EXPECT_EQ(parse_period_word("сегодня"), Period::kDaily);
  EXPECT_EQ(parse_period_word("НЕДЕЛЯ"), Period::kWeekly);
  EXPECT_EQ(parse_period_word("месяц"), Period::kMonthly);
  EXPECT_EQ(parse_period_word("Всё"), Period::kAllTime);
  EXPECT_EQ(parse_period_word("за всё время"), Period::kAllTime);
  EXPECT_EQ(parse_period_word("week"), Period::kWeekly);
  EXPECT_FALSE(parse_period_word("год").has_value());
}

// For any instant and period: the window holds it, has the calendar's length and start (a
// Monday for weeks, the 1st for months), windows tile time with no gap or overlap, ids follow the
// C library's calendar and grow with time.
RC_GTEST_PROP(PeriodsProperty, WindowsTileTimeAlongTheUtcCalendar, ()) {
  Micros t = *rc::gen::inRange<int64_t>(0, 4'102'444'800LL * kSec);
  if (*rc::gen::arbitrary<bool>()) {
    // Half of the cases within two seconds of a midnight (every boundary is one).
    t = std::max<Micros>(0, t / kDay * kDay + *rc::gen::inRange<int64_t>(-2 * kSec, 2 * kSec));
  }
  for (Period p : {Period::kDaily, Period::kWeekly, Period::kMonthly}) {
    const Window w = window_at(p, t);
    RC_ASSERT(w.period == p);
    RC_ASSERT(w.starts_at <= t);
    RC_ASSERT(t < w.ends_at);
    RC_ASSERT(window_at(p, w.starts_at).id == w.id);
    RC_ASSERT(window_at(p, w.ends_at - 1).id == w.id);
    const Window next = window_at(p, w.ends_at);
    RC_ASSERT(next.starts_at == w.ends_at);
    RC_ASSERT(next.id > w.id);
    RC_ASSERT(previous_window(next)->id == w.id);
    const std::tm start = utc(w.starts_at);
    RC_ASSERT(start.tm_hour == 0 && start.tm_min == 0 && start.tm_sec == 0);
    RC_ASSERT(w.starts_at % kSec == 0);
    switch (p) {
      case Period::kDaily:
        RC_ASSERT(w.id == strf(t, "%Y-%m-%d"));
        RC_ASSERT(w.ends_at - w.starts_at == kDay);
        break;
      case Period::kWeekly:
        RC_ASSERT(w.id == strf(t, "%G-W%V"));
        RC_ASSERT(start.tm_wday == 1);  // Monday
        RC_ASSERT(w.ends_at - w.starts_at == 7 * kDay);
        break;
      case Period::kMonthly: {
        RC_ASSERT(w.id == strf(t, "%Y-%m"));
        RC_ASSERT(start.tm_mday == 1);
        std::tm end = utc(t);
        end.tm_mday = 1;
        end.tm_hour = end.tm_min = end.tm_sec = 0;
        end.tm_mon += 1;  // timegm normalises December + 1 into January of the next year
        RC_ASSERT(w.ends_at == from_tm(end));
        break;
      }
      case Period::kAllTime:
        break;
    }
  }
  RC_ASSERT(window_at(Period::kAllTime, t).id == "all");
}

}  // namespace
}  // namespace lucas::leaderboards
