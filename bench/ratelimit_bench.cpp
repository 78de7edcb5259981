// Rate-limit decisions per second (issue 5): the in-process sliding window and the Redis one (one
// atomic Lua script per decision, on a throwaway redis-server on loopback), with 10,000 keys under
// a policy of N per minute: the argument is N — 100 (the API policy: at these rates most keys are
// soon refused and some are in progressive penalties) or 1,000,000 (everything allowed: the
// counting path). The keys are drawn uniformly; the allowed_share counter says how many
// decisions allowed. Threads share one limiter (and, on Redis, one client connection).
//
//   build/release/bench/ratelimit_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "infra/ratelimit/limiter.h"
#include "infra/redis/redis.h"
#include "tests/support/redis_harness.h"

using namespace lucas;

namespace {

constexpr int kKeys = 10'000;

const std::vector<std::string>& keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v;
    for (int i = 0; i < kKeys; ++i) v.push_back("user:" + std::to_string(100'000 + i));
    return v;
  }();
  return k;
}

void decide(benchmark::State& state, ratelimit::Limiter& limiter) {
  std::mt19937_64 rng(static_cast<uint64_t>(state.thread_index()) + 1);
  // The policy's name is part of every key: the two limits do not share windows.
  ratelimit::Policy policy = ratelimit::api_policy(static_cast<int>(state.range(0)));
  policy.name += std::to_string(policy.limit);
  int64_t allowed = 0, decisions = 0;
  for (auto _ : state) {
    const auto d = limiter.check(keys()[rng() % kKeys], policy);
    allowed += d.allowed ? 1 : 0;
    ++decisions;
  }
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(decisions), benchmark::Counter::kIsRate);
  state.counters["allowed_share"] = benchmark::Counter(
      decisions ? static_cast<double>(allowed) / decisions : 0, benchmark::Counter::kAvgThreads);
}

SystemClock& clock() {
  static SystemClock c;
  return c;
}

void BM_MemoryLimiter(benchmark::State& state) {
  static ratelimit::MemoryLimiter limiter(clock());
  decide(state, limiter);
}
BENCHMARK(BM_MemoryLimiter)->Arg(100)->Arg(1'000'000)->Threads(1)->Threads(2)->UseRealTime();

void BM_RedisLimiter(benchmark::State& state) {
  static redis::Client client(redis::parse_url(testing::RedisServer::shared().url(4)));
  static const auto limiter = [] {
    client.wait_up(std::chrono::seconds(10));
    client.command({"FLUSHDB"});
    return std::make_unique<ratelimit::RedisLimiter>(client, clock());
  }();
  decide(state, *limiter);
}
BENCHMARK(BM_RedisLimiter)
    ->Arg(100)
    ->Arg(1'000'000)
    ->Threads(1)
    ->Threads(2)
    ->Threads(8)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
