#include "features/health/sampler.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace lucas::health {
namespace {

using telemetry::SeriesKind;

std::string label(const telemetry::Labels& labels, const std::string& name) {
  auto it = labels.find(name);
  return it == labels.end() ? std::string() : it->second;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

std::vector<Reading> readings_of(const std::string& exposition) {
  std::vector<Reading> out;
  size_t start = 0;
  while (start < exposition.size()) {
    size_t end = exposition.find('\n', start);
    if (end == std::string::npos) end = exposition.size();
    const std::string_view line(exposition.data() + start, end - start);
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    Reading r;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    r.name = std::string(line.substr(0, i));
    bool ok = !r.name.empty();
    if (ok && i < line.size() && line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        const size_t eq = line.find("=\"", i);
        if (eq == std::string_view::npos) {
          ok = false;
          break;
        }
        const std::string key(line.substr(i, eq - i));
        std::string value;
        for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        if (i >= line.size()) {
          ok = false;
          break;
        }
        r.labels[key] = std::move(value);
        ++i;  // the closing quote
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) ok = false;
      ++i;  // the closing brace
    }
    if (!ok || i >= line.size() || line[i] != ' ') continue;
    const std::string number(line.substr(i + 1));
    char* stop = nullptr;
    r.value = std::strtod(number.c_str(), &stop);
    if (stop == number.c_str()) continue;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<telemetry::SeriesValue> series_values(const std::vector<Reading>& readings) {
  std::map<std::string, double> counters = {
      {"http.requests", 0},       {"http.errors", 0},   {"bank.credits", 0},
      {"bank.credited_minor", 0}, {"parser.parses", 0}, {"parser.confidence_sum", 0},
      {"parser.reviews", 0},      {"jobs.runs", 0},     {"jobs.failures", 0}};
  std::map<std::string, double> gauges = {{"ws.connections", 0}, {"outbox.given_up", 0}};
  for (const auto& r : readings) {
    if (r.name == "lucas_http_requests_total") {
      const std::string route = label(r.labels, "route");
      const bool error = starts_with(label(r.labels, "status"), "5");
      counters["http.requests"] += r.value;
      counters["http.requests:" + route] += r.value;
      counters["http.errors:" + route] += error ? r.value : 0;
      if (error) counters["http.errors"] += r.value;
    } else if (r.name == "lucas_ledger_transfers_total") {
      if (starts_with(label(r.labels, "kind"), "bank.")) counters["bank.credits"] += r.value;
    } else if (r.name == "lucas_ledger_volume_minor_total") {
      if (starts_with(label(r.labels, "kind"), "bank.") && label(r.labels, "currency") == "COIN")
        counters["bank.credited_minor"] += r.value;
    } else if (r.name == "lucas_parser_confidence_count") {
      counters["parser.parses"] += r.value;
    } else if (r.name == "lucas_parser_confidence_sum") {
      counters["parser.confidence_sum"] += r.value;
    } else if (r.name == "lucas_parser_reviews_total") {
      counters["parser.reviews"] += r.value;
    } else if (r.name == "lucas_job_runs_total") {
      counters["jobs.runs"] += r.value;
      if (label(r.labels, "result") == "failed") counters["jobs.failures"] += r.value;
    } else if (r.name == "lucas_ws_connections") {
      gauges["ws.connections"] += r.value;
    } else if (r.name == "lucas_outbox_given_up") {
      gauges["outbox.given_up"] += r.value;
    }
  }
  std::vector<telemetry::SeriesValue> out;
  for (const auto& [name, v] : counters) out.push_back({name, SeriesKind::kCounter, v});
  for (const auto& [name, v] : gauges) out.push_back({name, SeriesKind::kGauge, v});
  return out;
}

Sampler::Sampler(const telemetry::Registry& metrics, const Clock& clock, Extra extra,
                 telemetry::SeriesOptions options)
    : metrics_(metrics),
      clock_(clock),
      extra_(std::move(extra)),
      options_(options),
      ring_(options) {}

void Sampler::sample() {
  auto values = series_values(readings_of(metrics_.render()));
  if (extra_) {
    try {
      for (auto& v : extra_()) values.push_back(std::move(v));
    } catch (const std::exception& e) {
      spdlog::warn("health: a reading failed ({}); left out of this minute", e.what());
    }
  }
  const Micros now = clock_.now();
  std::lock_guard lock(mu_);
  ring_.record(now, values);
  last_step_ = now / options_.step;
}

telemetry::SeriesWindow Sampler::window(size_t points) const {
  const Micros now = clock_.now();
  std::lock_guard lock(mu_);
  return ring_.window(now, points);
}

size_t Sampler::memory_bytes() const {
  std::lock_guard lock(mu_);
  return ring_.memory_bytes();
}

size_t Sampler::max_memory_bytes() const {
  std::lock_guard lock(mu_);
  return ring_.max_memory_bytes();
}

size_t Sampler::series() const {
  std::lock_guard lock(mu_);
  return ring_.series();
}

void Sampler::start() {
  worker_.start({.period = 5'000'000, .run_at_start = true}, [this]() -> std::optional<Micros> {
    Micros last;
    {
      std::lock_guard lock(mu_);
      last = last_step_;
    }
    if (clock_.now() / options_.step != last) sample();
    return std::nullopt;
  });
}

}  // namespace lucas::health
