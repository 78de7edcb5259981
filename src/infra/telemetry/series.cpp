#include "infra/telemetry/series.h"

#include <cmath>
#include <limits>

#include "base/error.h"

namespace lucas::telemetry {
namespace {
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
}  // namespace

SeriesRing::SeriesRing(SeriesOptions options) : options_(options) {
  if (options_.points == 0 || options_.step <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "a series ring needs points > 0 and a step > 0");
  }
  steps_.assign(options_.points, -1);
}

int64_t SeriesRing::step_of(Micros at) const {
  // Floor division: a time before the epoch still belongs to the step that starts before it.
  return at >= 0 ? at / options_.step : -((-at + options_.step - 1) / options_.step);
}

size_t SeriesRing::slot_of(int64_t step) const {
  const auto n = static_cast<int64_t>(options_.points);
  return static_cast<size_t>(((step % n) + n) % n);
}

bool SeriesRing::record(Micros at, const std::vector<SeriesValue>& readings) {
  const int64_t step = step_of(at);
  if (step < newest_) return false;
  const size_t slot = slot_of(step);
  steps_[slot] = step;
  newest_ = step;
  for (auto& [name, s] : series_) s.values[slot] = kMissing;
  for (const auto& r : readings) {
    auto it = series_.find(r.name);
    if (it == series_.end()) {
      if (series_.size() >= options_.max_series) {
        ++dropped_;
        continue;
      }
      it = series_.emplace(r.name, Series{r.kind, std::vector<double>(options_.points, kMissing)})
               .first;
    }
    it->second.kind = r.kind;
    it->second.values[slot] = r.value;
  }
  return true;
}

SeriesWindow SeriesRing::window(Micros now, size_t points) const {
  SeriesWindow out;
  const int64_t end = step_of(now);
  const auto size = static_cast<int64_t>(options_.points);
  const int64_t shown_from = end - static_cast<int64_t>(std::min(points, options_.points)) + 1;
  // Counters need the sample before the first one shown: walk the whole ring, oldest first.
  struct Last {
    double value = kMissing;
    int64_t step = 0;
  };
  std::map<std::string, Last> last;
  bool earlier = false;  // a round before this step is in the ring
  for (int64_t step = end - size + 1; step <= end; ++step) {
    const size_t slot = slot_of(step);
    if (steps_[slot] != step) continue;
    const bool shown = step >= shown_from;
    if (shown) out.at.push_back(step * options_.step);
    for (const auto& [name, s] : series_) {
      const double v = s.values[slot];
      std::optional<double> value;
      if (!std::isnan(v)) {
        if (s.kind == SeriesKind::kGauge) {
          value = v;
        } else {
          Last& l = last[name];
          if (!std::isnan(l.value)) {
            const double increase = v >= l.value ? v - l.value : v;  // went down: reset to 0
            value = increase / static_cast<double>(step - l.step);
          } else if (earlier) {
            value = v;  // new since the round before: counters are created at 0 on first use
          }
          l = {v, step};
        }
      }
      if (shown) out.values[name].push_back(value);
    }
    earlier = true;
  }
  return out;
}

size_t SeriesRing::memory_bytes() const {
  return options_.points * sizeof(int64_t) * (1 + series_.size());
}

size_t SeriesRing::max_memory_bytes() const {
  return options_.points * sizeof(int64_t) * (1 + options_.max_series);
}

}  // namespace lucas::telemetry
