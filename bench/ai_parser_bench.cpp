// The AI parser on one thread: classify (fastText) + extract (the game's rule extractor) per
// message, the cache off unless said; p50/p99 latency per message; model size on disk and in
// memory. The model is trained first with `lucas parser train`'s defaults (8,000 synthetic
// messages, 10 epochs, 100,000 buckets, dim 16), in a temporary directory.
//   build/release/bench/ai_parser_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "base/clock.h"
#include "base/ids.h"
#include "features/parser/ai_parser.h"
#include "features/parser/models.h"

namespace {

using namespace lucas;

struct Fixture {
  std::string dir;
  parser::models::Manifest manifest;
  std::vector<std::string> texts;
  SystemClock clock;

  Fixture() {
    dir = (std::filesystem::temp_directory_path() / ("lucas-bench-" + random_hex(6))).string();
    const parser::models::Registry registry(dir);
    parser::models::TrainRequest req;  // lucas parser train's defaults
    req.synthetic = 8000;
    req.heldout = 1600;
    req.options.epoch = 10;
    req.options.bucket = 100'000;
    manifest = parser::models::train_version(registry, req, clock).manifest;
    registry.save_state({manifest.version, std::nullopt, 0});
    // The traffic mix of the generator (card drops, chests, chatter, ...), with another seed.
    for (const auto& s : parser::synth::generate({42, 2000})) texts.push_back(s.text);
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  parser::ServiceOptions options(bool cache) const {
    parser::ServiceOptions o;
    o.model_dir = dir;
    o.cache_entries = cache ? 100'000 : 0;
    return o;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void report_latency(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[us.size() * 99 / 100];
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Times every parse of the loop (wall clock per message) for the percentiles.
void timed_parses(benchmark::State& state, parser::ParserService& service,
                  const std::vector<std::string>& texts) {
  std::vector<double> us;
  us.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = service.parse(texts[i++ % texts.size()]);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r);
    if (us.size() < (1u << 20)) {
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  }
  report_latency(state, us);
}

void BM_AiParse(benchmark::State& state) {
  auto& f = fixture();
  parser::ParserService service(f.clock, f.options(false));
  const auto classifier = parser::models::Registry(f.dir).load_verified(f.manifest);
  timed_parses(state, service, f.texts);
  state.counters["model_file_bytes"] = static_cast<double>(f.manifest.file_bytes);
  state.counters["model_memory_bytes"] = static_cast<double>(classifier->memory_bytes());
  state.counters["bucket"] = f.manifest.options.bucket;
}
BENCHMARK(BM_AiParse);

void BM_AiParseCached(benchmark::State& state) {
  auto& f = fixture();
  parser::ParserService service(f.clock, f.options(true));
  for (const auto& t : f.texts) service.parse(t);  // warm
  timed_parses(state, service, f.texts);
}
BENCHMARK(BM_AiParseCached);

void BM_ClassifyOnly(benchmark::State& state) {
  auto& f = fixture();
  const auto classifier = parser::models::Registry(f.dir).load_verified(f.manifest);
  size_t i = 0;
  for (auto _ : state) {
    auto d = classifier->predict(f.texts[i++ % f.texts.size()]);
    benchmark::DoNotOptimize(d);
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ClassifyOnly);

void BM_RulesOnly(benchmark::State& state) {
  auto& f = fixture();
  size_t i = 0;
  for (auto _ : state) {
    auto r = parser::parse_text(f.texts[i++ % f.texts.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RulesOnly);

}  // namespace

BENCHMARK_MAIN();
