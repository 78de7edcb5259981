// The health series ring (infra/telemetry/series.h): wrap-around, window slicing, counters read
// as increases per step (gaps, resets, series that appear later), the memory bound, and a
// rapidcheck model: for any rounds, the window equals a naive reading of every round kept.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>

#include "base/error.h"
#include "infra/telemetry/series.h"

namespace lucas::telemetry {
namespace {

constexpr Micros kStep = 60'000'000;
constexpr Micros kT0 = 1'767'225'600'000'000;  // a whole minute

SeriesValue gauge(const std::string& name, double v) {
  return {name, SeriesKind::kGauge, v};
}
SeriesValue counter(const std::string& name, double v) {
  return {name, SeriesKind::kCounter, v};
}
std::vector<std::optional<double>> values(const SeriesWindow& w, const std::string& name) {
  auto it = w.values.find(name);
  return it == w.values.end() ? std::vector<std::optional<double>>{} : it->second;
}
using V = std::vector<std::optional<double>>;

TEST(SeriesRing, WrapsAroundKeepingTheNewestPoints) {
  SeriesRing ring({.points = 5, .step = kStep, .max_series = 4});
  for (int i = 0; i < 8; ++i) ring.record(kT0 + i * kStep + 1'000, {gauge("g", i)});
  const Micros now = kT0 + 7 * kStep + 30'000'000;
  const auto w = ring.window(now, 5);
  ASSERT_EQ(w.at.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(w.at[i], kT0 + (i + 3) * kStep);  // placed at the step
  EXPECT_EQ(values(w, "g"), (V{3.0, 4.0, 5.0, 6.0, 7.0}));
  // Asking for more than the ring holds gives what it holds.
  EXPECT_EQ(ring.window(now, 1440).at.size(), 5u);
  // Later, the steps that fell out of the window are not shown, and nothing is made up.
  const auto later = ring.window(now + 3 * kStep, 5);
  EXPECT_EQ(values(later, "g"), (V{6.0, 7.0}));
}

TEST(SeriesRing, SlicesTheWindowAndSkipsMinutesWithoutASample) {
  SeriesRing ring({.points = 1440, .step = kStep, .max_series = 4});
  for (int i = 0; i < 120; ++i) {
    if (i == 100 || i == 101) continue;  // the sampler was late: no sample these minutes
    ring.record(kT0 + i * kStep, {gauge("g", i)});
  }
  const Micros now = kT0 + 119 * kStep;
  const auto hour = ring.window(now, 60);
  ASSERT_EQ(hour.at.size(), 58u);
  EXPECT_EQ(hour.at.front(), kT0 + 60 * kStep);
  EXPECT_EQ(hour.at.back(), now);
  EXPECT_EQ(values(hour, "g").size(), hour.at.size());
  EXPECT_EQ(ring.window(now, 1440).at.size(), 118u);
  EXPECT_EQ(ring.window(now, 1).at, std::vector<Micros>{now});
}

TEST(SeriesRing, CountersAreIncreasesPerStepAndSurviveResets) {
  SeriesRing ring({.points = 60, .step = kStep, .max_series = 4});
  const std::vector<double> seen = {0, 5, 12, 3 /* restarted from 0 */, 10};
  for (size_t i = 0; i < seen.size(); ++i)
    ring.record(kT0 + static_cast<int64_t>(i) * kStep, {counter("c", seen[i])});
  // A gap of 3 steps: 40 more over 3 minutes is 40/3 a minute.
  ring.record(kT0 + 7 * kStep, {counter("c", 50)});
  const auto w = ring.window(kT0 + 7 * kStep, 60);
  const auto v = values(w, "c");
  ASSERT_EQ(v.size(), 6u);
  EXPECT_FALSE(v[0]);  // the first sample has no increase
  EXPECT_EQ(v[1], 5.0);
  EXPECT_EQ(v[2], 7.0);
  EXPECT_EQ(v[3], 3.0);  // went down: counts from 0
  EXPECT_EQ(v[4], 7.0);
  ASSERT_TRUE(v[5]);
  EXPECT_DOUBLE_EQ(*v[5], 40.0 / 3.0);
  // The window's first point still uses the sample before it.
  EXPECT_EQ(values(ring.window(kT0 + 7 * kStep, 5), "c"), (V{3.0, 7.0, 40.0 / 3.0}));
}

TEST(SeriesRing, ACounterSeenLaterCountsFromZeroAndAMissingSampleIsNull) {
  SeriesRing ring({.points = 60, .step = kStep, .max_series = 4});
  ring.record(kT0, {counter("a", 100)});
  ring.record(kT0 + kStep, {counter("a", 110), counter("b", 4)});
  ring.record(kT0 + 2 * kStep, {counter("b", 6)});  // "a" missing this minute
  ring.record(kT0 + 3 * kStep, {counter("a", 130), counter("b", 6)});
  const auto w = ring.window(kT0 + 3 * kStep, 60);
  EXPECT_EQ(values(w, "a"), (V{std::nullopt, 10.0, std::nullopt, 10.0}));
  EXPECT_EQ(values(w, "b"), (V{std::nullopt, 4.0, 2.0, 0.0}));
}

TEST(SeriesRing, ARoundInTheSameStepReplacesAndAnOlderOneIsIgnored) {
  SeriesRing ring({.points = 60, .step = kStep, .max_series = 4});
  EXPECT_TRUE(ring.record(kT0 + 5 * kStep, {gauge("g", 1)}));
  EXPECT_TRUE(ring.record(kT0 + 5 * kStep + 59'000'000, {gauge("g", 2)}));
  EXPECT_FALSE(ring.record(kT0 + 4 * kStep, {gauge("g", 3)}));
  const auto w = ring.window(kT0 + 5 * kStep, 60);
  EXPECT_EQ(w.at, std::vector<Micros>{kT0 + 5 * kStep});
  EXPECT_EQ(values(w, "g"), (V{2.0}));
}

TEST(SeriesRing, MemoryIsBoundedBySeriesAndPoints) {
  SeriesRing ring({.points = 1440, .step = kStep, .max_series = 3});
  EXPECT_EQ(ring.memory_bytes(), 1440u * 8);
  for (int minute = 0; minute < 3000; ++minute) {  // two wraps
    std::vector<SeriesValue> round;
    for (int s = 0; s < 5; ++s) round.push_back(gauge("s" + std::to_string(s), minute));
    ring.record(kT0 + minute * kStep, round);
  }
  EXPECT_EQ(ring.series(), 3u);
  EXPECT_EQ(ring.dropped(), 2 * 3000);
  EXPECT_EQ(ring.memory_bytes(), 1440u * 8 * 4);
  EXPECT_EQ(ring.memory_bytes(), ring.max_memory_bytes());
  // The default: 24 h of minutes for at most 160 series, under 2 MB.
  EXPECT_LT(SeriesRing().max_memory_bytes(), 2u * 1024 * 1024);
  EXPECT_EQ(SeriesRing().max_memory_bytes(), 1440u * 8 * 161);
  EXPECT_THROW(SeriesRing({.points = 0, .step = kStep, .max_series = 1}), Error);
}

// For any rounds (increasing minutes with gaps, repeats within a minute, late rounds, counters
// that grow and sometimes restart, missing samples), any window up to any later instant equals a
// naive reading of the rounds kept: the steps in the window that were recorded, gauges as
// recorded, counters as their increase since the previous sample of the ring divided by the steps
// between (from 0 after a restart or when first seen after the first round).
RC_GTEST_PROP(SeriesRingProperty, AnyWindowEqualsANaiveReadingOfTheRoundsKept, ()) {
  const auto points = static_cast<size_t>(*rc::gen::inRange(1, 40));
  SeriesRing ring({.points = points, .step = kStep, .max_series = 8});
  struct Round {
    std::optional<double> c, g;
  };
  std::map<int64_t, Round> kept;  // step -> its last round
  int64_t step = 1000, newest = -1;
  double c = 0;
  const int rounds = *rc::gen::inRange(0, 120);
  for (int i = 0; i < rounds; ++i) {
    const int move = *rc::gen::inRange(-2, 6);  // back (ignored), same minute, or ahead
    step += move;
    c = *rc::gen::inRange(0, 10) == 0 ? *rc::gen::inRange(0, 5) : c + *rc::gen::inRange(0, 50);
    Round r;
    if (*rc::gen::inRange(0, 8) != 0) r.c = c;
    if (*rc::gen::inRange(0, 8) != 0) r.g = *rc::gen::inRange(-100, 100);
    std::vector<SeriesValue> readings;
    if (r.c) readings.push_back(counter("c", *r.c));
    if (r.g) readings.push_back(gauge("g", *r.g));
    const bool accepted =
        ring.record(step * kStep + *rc::gen::inRange(0, 60) * 1'000'000, readings);
    RC_ASSERT(accepted == (step >= newest));
    if (accepted) {
      kept[step] = r;
      newest = step;
    }
  }
  const int64_t end = std::max<int64_t>(newest, 1000) + *rc::gen::inRange(0, 50);
  const auto want = static_cast<size_t>(*rc::gen::inRange(1, 60));
  const auto w = ring.window(end * kStep + 59'000'000, want);

  const int64_t span_from = end - static_cast<int64_t>(points) + 1;
  const int64_t shown_from = end - static_cast<int64_t>(std::min(want, points)) + 1;
  std::vector<Micros> at;
  V cs, gs;
  std::optional<std::pair<int64_t, double>> last_c;
  bool earlier = false;
  for (const auto& [s, r] : kept) {
    if (s < span_from || s > end) continue;
    std::optional<double> cv;
    if (r.c) {
      if (last_c) {
        cv = (*r.c >= last_c->second ? *r.c - last_c->second : *r.c) /
             static_cast<double>(s - last_c->first);
      } else if (earlier) {
        cv = *r.c;
      }
      last_c = {s, *r.c};
    }
    earlier = true;
    if (s < shown_from) continue;
    at.push_back(s * kStep);
    cs.push_back(cv);
    gs.push_back(r.g);
  }
  RC_ASSERT(w.at == at);
  RC_ASSERT(w.at.size() <= std::min(want, points));
  if (!at.empty()) {
    const auto got_c = values(w, "c");
    const auto got_g = values(w, "g");
    if (!got_c.empty()) {
      RC_ASSERT(got_c.size() == cs.size());
      for (size_t i = 0; i < cs.size(); ++i) {
        RC_ASSERT(got_c[i].has_value() == cs[i].has_value());
        if (cs[i]) RC_ASSERT(std::fabs(*got_c[i] - *cs[i]) < 1e-9 && *got_c[i] >= 0);
      }
    } else {
      for (const auto& x : cs) RC_ASSERT(!x.has_value());
    }
    if (!got_g.empty()) {
      RC_ASSERT(got_g == gs);
    } else {
      for (const auto& x : gs) RC_ASSERT(!x.has_value());
    }
  }
}

}  // namespace
}  // namespace lucas::telemetry
