// This node's health series: every minute (by the injected clock) a round of readings from the
// metrics registry goes into an in-process ring (infra/telemetry/series.h) of 24 hours. The
// series (names are part of the admin API):
//   http.requests, http.errors                 every HTTP request, those answered 5xx (counters)
//   http.requests:<route>, http.errors:<route> the same per route
//   bank.credits, bank.credited_minor          ledger transfers of the bank's credits ("bank.*"
//                                              kinds) and the coins they moved, in minor units
//   parser.parses, parser.confidence_sum,      parses, the sum of their confidence, and those
//   parser.reviews                             sent to review (counters)
//   jobs.runs, jobs.failures                   scheduled job runs, and the failed ones (counters)
//   ws.connections                             open WebSocket connections on this node (gauge)
//   outbox.given_up                            given-up outbox events (gauge)
// and what `extra` adds (the composition root adds outbox.backlog, a gauge read from the table).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/telemetry/metrics.h"
#include "infra/telemetry/series.h"
#include "infra/worker/worker.h"

namespace lucas::health {

// One sample line of the Prometheus text format: `name{label="value",...} 12.5`.
struct Reading {
  std::string name;
  telemetry::Labels labels;
  double value = 0;
};
// Every sample line of what Registry::render() writes (what /metrics serves: the one contract the
// registry's series are read by, in process as by Prometheus). Comments and bad lines are skipped.
std::vector<Reading> readings_of(const std::string& exposition);
// The readings as the series above (totals are always there, 0 before any use).
std::vector<telemetry::SeriesValue> series_values(const std::vector<Reading>& readings);

class Sampler {
 public:
  using Extra = std::function<std::vector<telemetry::SeriesValue>()>;
  Sampler(const telemetry::Registry& metrics, const Clock& clock, Extra extra = {},
          telemetry::SeriesOptions options = {});
  ~Sampler() { stop(); }

  // One round now (by the clock). A failing `extra` is left out of the round (logged).
  void sample();
  // The last `points` steps up to now (by the clock).
  telemetry::SeriesWindow window(size_t points) const;
  size_t memory_bytes() const;
  size_t max_memory_bytes() const;
  size_t series() const;
  Micros step() const { return options_.step; }

  // A round at start, then one at the start of every step by the clock (checked every 5 s of real
  // time: a thread cannot sleep on a ManualClock).
  void start();
  void stop() { worker_.stop(); }

 private:
  const telemetry::Registry& metrics_;
  const Clock& clock_;
  Extra extra_;
  telemetry::SeriesOptions options_;
  mutable std::mutex mu_;
  telemetry::SeriesRing ring_;
  Micros last_step_ = -1;
  worker::Worker worker_{"health-sampler"};  // last: stopped before the members above go
};

}  // namespace lucas::health
