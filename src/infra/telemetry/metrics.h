// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text
// exposition format (version 0.0.4). All operations are thread-safe; recording is lock-free once
// a series exists.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lucas::telemetry {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void inc(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  // Snapshot for rendering and tests.
  std::vector<int64_t> bucket_counts() const;  // cumulative, one per bound, then +Inf
  int64_t count() const;
  double sum() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // non-cumulative, bounds_.size() + 1
  std::atomic<int64_t> count_{0};
  std::atomic<uint64_t> sum_bits_{0};  // double stored as bits, updated with CAS
};

// Default latency buckets in seconds (0.5 ms .. 10 s).
std::vector<double> latency_buckets();

class Registry {
 public:
  // Returns the series for (name, labels), creating it (and its family) on first use. References
  // stay valid for the registry's lifetime.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = latency_buckets());
  // A gauge read at render time.
  void gauge(const std::string& name, const std::string& help, std::function<double()> read,
             const Labels& labels = {});

  std::string render() const;

 private:
  struct Family;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Family>>
      families_;  // shared_ptr: Family is incomplete here
};

}  // namespace lucas::telemetry
