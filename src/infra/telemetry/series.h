// A small in-process time series store: the last `points` steps (default 24 h of 1-minute steps)
// of named series, in memory on this node, for the admin panel's health charts (no external
// monitoring needed). Not thread-safe by itself: the caller (features/health's sampler) locks.
//
// Memory is bounded and allocated up front per series: (points + points * series) * 8 bytes. The
// default (1440 points, at most 160 series) is at most 1440 * 161 * 8 B = 1.8 MB; series past
// max_series are dropped (and counted), never grown into.
//
// Gauges are kept as sampled. Counters are kept as sampled (cumulative) and read back as the
// increase per step: the difference to the previous sample in the ring, divided by the steps
// between them (a gap of several steps gives their average); a counter that went down was reset
// (the process restarted it from 0), so its increase is its new value. A counter first seen after
// the ring's first round counts from 0 (counters are created at 0 when first used); in the ring's
// first round a counter has no increase (null): it counted since the process started.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace lucas::telemetry {

enum class SeriesKind { kGauge, kCounter };

struct SeriesValue {
  std::string name;
  SeriesKind kind = SeriesKind::kGauge;
  double value = 0;
};

struct SeriesOptions {
  size_t points = 1440;      // steps kept (a ring)
  Micros step = 60'000'000;  // one step; samples are placed at the start of theirs
  size_t max_series = 160;   // series past this are dropped
};

// The steps of a window that have a sample, oldest first, and each series' values at them.
struct SeriesWindow {
  std::vector<Micros> at;
  std::map<std::string, std::vector<std::optional<double>>> values;
};

class SeriesRing {
 public:
  explicit SeriesRing(SeriesOptions options = {});

  // One round of readings taken at `at` (placed at the start of its step). A second round in the
  // same step replaces the first; a round older than the newest one is ignored (false). A series
  // missing from a round has no value at that step.
  bool record(Micros at, const std::vector<SeriesValue>& readings);

  // The last `points` steps up to the one holding `now` (at most the ring's size): counters as
  // their increase per step (see above), gauges as sampled.
  SeriesWindow window(Micros now, size_t points) const;

  size_t series() const { return series_.size(); }
  int64_t dropped() const { return dropped_; }
  // What the ring holds now (its arrays, not the names).
  size_t memory_bytes() const;
  // The most it can ever hold.
  size_t max_memory_bytes() const;
  const SeriesOptions& options() const { return options_; }

 private:
  struct Series {
    SeriesKind kind;
    std::vector<double> values;  // per slot; NaN: no sample
  };
  int64_t step_of(Micros at) const;
  size_t slot_of(int64_t step) const;

  SeriesOptions options_;
  std::vector<int64_t> steps_;  // per slot: the step it holds, or -1
  std::map<std::string, Series> series_;
  int64_t newest_ = -1;  // the newest step recorded
  int64_t dropped_ = 0;
};

}  // namespace lucas::telemetry
