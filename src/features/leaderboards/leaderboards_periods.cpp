// Periods (UTC days, ISO weeks, months, all time) and their windows; board specs and entries.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "base/ascii.h"
#include "base/money_json.h"
#include "features/leaderboards/leaderboards.h"
#include "features/users/users.h"
#include "infra/jobs/jobs.h"

namespace lucas::leaderboards {
namespace {

namespace chr = std::chrono;
constexpr Micros kDay = 86'400'000'000;

// The calendar date of a UTC midnight.
chr::year_month_day date_of(Micros midnight) {
  return chr::year_month_day(chr::sys_days(chr::days(midnight / kDay)));
}

}  // namespace

// ------------------------------------------------------------------ periods

std::string_view period_name(Period p) {
  switch (p) {
    case Period::kDaily:
      return "daily";
    case Period::kWeekly:
      return "weekly";
    case Period::kMonthly:
      return "monthly";
    case Period::kAllTime:
      return "all_time";
  }
  return "all_time";
}

std::optional<Period> parse_period(std::string_view text) {
  const std::string t = ascii_lower(text);
  if (t == "daily" || t == "day") return Period::kDaily;
  if (t == "weekly" || t == "week") return Period::kWeekly;
  if (t == "monthly" || t == "month") return Period::kMonthly;
  if (t == "all_time" || t == "all" || t == "alltime" || t == "all-time") return Period::kAllTime;
  return std::nullopt;
}

Window window_at(Period p, Micros t) {
  // Boundaries from the job schedules (UTC midnights, Mondays, firsts of the month).
  static const jobs::Schedule kSchedules[] = {jobs::Schedule::daily(), jobs::Schedule::weekly(1),
                                              jobs::Schedule::monthly(1)};
  if (p == Period::kAllTime) {
    return Window{Period::kAllTime, "all", 0, std::numeric_limits<Micros>::max()};
  }
  static_assert(static_cast<int>(Period::kDaily) == 0 && static_cast<int>(Period::kMonthly) == 2);
  const jobs::Schedule& schedule = kSchedules[static_cast<int>(p)];
  const Micros start = schedule.last_at_or_before(t);
  const Micros end = schedule.next_after(t);
  const chr::year_month_day ymd = date_of(start);
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month());
  switch (p) {
    case Period::kDaily:
      return Window{
          p, fmt::format("{:04d}-{:02d}-{:02d}", year, month, static_cast<unsigned>(ymd.day())),
          start, end};
    case Period::kWeekly: {
      // The ISO week-numbering year is the year of the week's Thursday.
      const chr::sys_days thursday = chr::sys_days(chr::days(start / kDay)) + chr::days(3);
      const chr::year y = chr::year_month_day(thursday).year();
      const auto week = (thursday - chr::sys_days(y / chr::January / 1)).count() / 7 + 1;
      return Window{p, fmt::format("{:04d}-W{:02d}", static_cast<int>(y), week), start, end};
    }
    case Period::kMonthly:
    case Period::kAllTime:
      break;
  }
  return Window{p, fmt::format("{:04d}-{:02d}", year, month), start, end};
}

std::optional<Window> previous_window(const Window& w) {
  if (w.period == Period::kAllTime) return std::nullopt;
  return window_at(w.period, w.starts_at - 1);
}

// ------------------------------------------------------------------ boards and entries

bool BoardSpec::has(Period p) const {
  return std::find(periods.begin(), periods.end(), p) != periods.end();
}

nlohmann::json score_json(const BoardSpec& b, int64_t score) {
  if (b.currency.empty()) return score;
  return money_json(b.currency, b.scale, score);
}

std::string Entry::change() const {
  if (rank == 0) return "none";
  if (!previous_rank) return "new";
  if (*previous_rank > rank) return "up";
  if (*previous_rank < rank) return "down";
  return "same";
}

int64_t Entry::rank_change() const {
  return rank != 0 && previous_rank ? *previous_rank - rank : 0;
}

}  // namespace lucas::leaderboards
