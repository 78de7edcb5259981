#include <gtest/gtest.h>

#include <thread>

#include "infra/telemetry/metrics.h"

namespace lucas::telemetry {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Registry r;
  r.counter("app_requests_total", "Requests", {{"route", "/a"}}).inc(3);
  r.counter("app_requests_total", "Requests", {{"route", "/b"}}).inc();
  r.gauge("app_up", "Up", [] { return 1.0; });
  auto& h = r.histogram("app_latency_seconds", "Latency", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const std::string expected =
      "# HELP app_latency_seconds Latency\n"
      "# TYPE app_latency_seconds histogram\n"
      "app_latency_seconds_bucket{le=\"0.10000000000000001\"} 1\n"
      "app_latency_seconds_bucket{le=\"1\"} 2\n"
      "app_latency_seconds_bucket{le=\"+Inf\"} 3\n"
      "app_latency_seconds_sum 5.5499999999999998\n"
      "app_latency_seconds_count 3\n"
      "# HELP app_requests_total Requests\n"
      "# TYPE app_requests_total counter\n"
      "app_requests_total{route=\"/a\"} 3\n"
      "app_requests_total{route=\"/b\"} 1\n"
      "# HELP app_up Up\n"
      "# TYPE app_up gauge\n"
      "app_up 1\n";
  EXPECT_EQ(r.render(), expected);
}

TEST(Metrics, EscapesLabelValues) {
  Registry r;
  r.counter("x_total", "X", {{"path", "a\"b\\c\nd"}}).inc();
  EXPECT_NE(r.render().find("x_total{path=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos)
      << r.render();
}

TEST(Metrics, SameSeriesIsReturnedAgain) {
  Registry r;
  auto& a = r.counter("c_total", "C", {{"k", "v"}});
  auto& b = r.counter("c_total", "C", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
}

TEST(Metrics, ConcurrentRecordingLosesNothing) {
  Registry r;
  auto& c = r.counter("c_total", "C");
  auto& h = r.histogram("h_seconds", "H");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        c.inc();
        h.observe(0.25);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40'000);
  EXPECT_EQ(h.count(), 40'000);
  EXPECT_DOUBLE_EQ(h.sum(), 10'000.0);
}

}  // namespace
}  // namespace lucas::telemetry
