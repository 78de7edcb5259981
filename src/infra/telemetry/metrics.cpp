#include "infra/telemetry/metrics.h"

#include <cstring>
#include <sstream>

namespace lucas::telemetry {
namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string label_text(const Labels& labels, const std::string& extra = "") {
  std::string s;
  for (const auto& [k, v] : labels) {
    s += (s.empty() ? "" : ",") + k + "=\"" + escape(v) + "\"";
  }
  if (!extra.empty()) s += (s.empty() ? "" : ",") + extra;
  return s.empty() ? "" : "{" + s + "}";
}

std::string number(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

}  // namespace

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<int64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
  for (;;) {
    double old_sum;
    std::memcpy(&old_sum, &old_bits, sizeof old_sum);
    const double next = old_sum + v;
    uint64_t next_bits;
    std::memcpy(&next_bits, &next, sizeof next_bits);
    if (sum_bits_.compare_exchange_weak(old_bits, next_bits, std::memory_order_relaxed)) break;
  }
}

std::vector<int64_t> Histogram::bucket_counts() const {
  std::vector<int64_t> out;
  int64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out.push_back(acc);
  }
  return out;
}

int64_t Histogram::count() const {
  return count_.load(std::memory_order_relaxed);
}

double Histogram::sum() const {
  const uint64_t bits = sum_bits_.load(std::memory_order_relaxed);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

struct Registry::Family {
  std::string help;
  std::string type;  // counter, gauge, histogram
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
  std::map<Labels, std::function<double()>> gauges;
};

namespace {
template <class F>
auto& family_of(std::map<std::string, std::shared_ptr<F>>& families, const std::string& name,
                const std::string& help, const char* type) {
  auto& f = families[name];
  if (!f) {
    f = std::make_shared<F>();
    f->help = help;
    f->type = type;
  }
  return *f;
}
}  // namespace

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family_of(families_, name, help, "counter");
  auto& c = f.counters[labels];
  if (!c) c = std::make_unique<Counter>();
  return *c;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& f = family_of(families_, name, help, "histogram");
  auto& h = f.histograms[labels];
  if (!h) h = std::make_unique<Histogram>(std::move(bounds));
  return *h;
}

void Registry::gauge(const std::string& name, const std::string& help, std::function<double()> read,
                     const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& f = family_of(families_, name, help, "gauge");
  f.gauges[labels] = std::move(read);
}

std::string Registry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f->help + "\n";
    out += "# TYPE " + name + " " + f->type + "\n";
    for (const auto& [labels, c] : f->counters) {
      out += name + label_text(labels) + " " + std::to_string(c->value()) + "\n";
    }
    for (const auto& [labels, g] : f->gauges) {
      out += name + label_text(labels) + " " + number(g()) + "\n";
    }
    for (const auto& [labels, h] : f->histograms) {
      const auto counts = h->bucket_counts();
      for (size_t i = 0; i < h->bounds().size(); ++i) {
        out += name + "_bucket" + label_text(labels, "le=\"" + number(h->bounds()[i]) + "\"") +
               " " + std::to_string(counts[i]) + "\n";
      }
      out += name + "_bucket" + label_text(labels, "le=\"+Inf\"") + " " +
             std::to_string(counts.back()) + "\n";
      out += name + "_sum" + label_text(labels) + " " + number(h->sum()) + "\n";
      out += name + "_count" + label_text(labels) + " " + std::to_string(h->count()) + "\n";
    }
  }
  return out;
}

}  // namespace lucas::telemetry
