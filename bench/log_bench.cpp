// The live logs' ring (issue 17): what every log line costs on top of writing it to stderr (one
// append: a lock, a copy of the message, the oldest line dropped when full), and what the admin
// page's reads cost on a full ring of 2000 lines — everything after a cursor, the warnings and
// errors only, and a text filter that scans every line.
//
//   build/release/bench/log_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <string>

#include "base/log_ring.h"

using namespace lucas;

namespace {

// A typical line: a job's or the parser's, about 90 bytes.
const std::string kLine =
    "job outbox.prune done in 0.004 s (due 2026-12-07T12:00:00.000000Z) node-1a2b";

const LogRing& full_ring() {
  static LogRing ring;
  static const bool filled = [] {
    for (int i = 0; i < 2000; ++i) {
      ring.append(i, i % 20 == 0 ? LogLevel::kWarn : LogLevel::kInfo, kLine + std::to_string(i));
    }
    return true;
  }();
  (void)filled;
  return ring;
}

void BM_Append(benchmark::State& state) {
  static LogRing ring;  // shared by the threads, as the process's ring is
  int64_t i = 0;
  for (auto _ : state) ring.append(++i, LogLevel::kInfo, kLine);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Append)->Threads(1)->Threads(2)->UseRealTime();

// A page of 200 lines after a cursor (what the page's first read and a resume do).
void BM_ReadAfter(benchmark::State& state) {
  const LogRing& ring = full_ring();
  for (auto _ : state) benchmark::DoNotOptimize(ring.read({1500, LogLevel::kTrace, {}, 200}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadAfter);

// Warnings and up over the whole ring (100 of 2000 match).
void BM_ReadWarnings(benchmark::State& state) {
  const LogRing& ring = full_ring();
  for (auto _ : state) benchmark::DoNotOptimize(ring.read({0, LogLevel::kWarn, {}, 1000}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadWarnings);

// A text no line has: every message of the ring is searched.
void BM_ReadTextMiss(benchmark::State& state) {
  const LogRing& ring = full_ring();
  for (auto _ : state) benchmark::DoNotOptimize(ring.read({0, LogLevel::kTrace, "telegram", 1000}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadTextMiss);

}  // namespace

BENCHMARK_MAIN();
