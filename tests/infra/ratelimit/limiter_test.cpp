#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "infra/http/http.h"
#include "infra/ratelimit/limiter.h"

namespace lucas::ratelimit {
namespace {

const Policy kApi{"api", 100, 60'000'000};

// Property 28: the 101st request within 60 s is refused.
TEST(Limiter, Property28_The101stRequestInAMinuteIsRefused) {
  ManualClock clock(0);
  Limiter l(clock);
  for (int i = 0; i < 100; ++i) {
    const auto d = l.check("ip:1", kApi);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 99 - i);
    clock.advance(500'000);  // 100 requests over 50 s
  }
  const auto d = l.check("ip:1", kApi);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 10'000'000);  // the first one leaves the window at t = 60 s
  EXPECT_TRUE(d.first_refusal);
  EXPECT_FALSE(l.check("ip:1", kApi).first_refusal);
  EXPECT_TRUE(l.check("ip:2", kApi).allowed);  // keys are independent
  clock.advance(10'000'000);
  EXPECT_TRUE(l.check("ip:1", kApi).allowed);
}

// For any request pattern, no trailing window ever holds more than `limit` allowed requests,
// and a request is refused only when the window is full (no penalties at this rate).
RC_GTEST_PROP(LimiterProperty, NeverMoreThanTheLimitInAnyWindow, ()) {
  ManualClock clock(0);
  Limiter l(clock);
  const Policy p{"t", *rc::gen::inRange(1, 20), 10'000'000};
  const auto gaps =
      *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, 2'000'000));
  std::vector<Micros> allowed;
  int refused_in_a_row = 0;
  for (auto gap : gaps) {
    clock.advance(gap);
    const auto d = l.check("k", p);
    int in_window = 0;
    for (auto t : allowed) in_window += t + p.window > clock.now();
    if (d.penalty_level == 0) RC_ASSERT(d.allowed == (in_window < p.limit));
    if (d.allowed) {
      allowed.push_back(clock.now());
      RC_ASSERT(in_window + 1 <= p.limit);
      refused_in_a_row = 0;
    } else {
      RC_ASSERT(d.retry_after > 0);
      ++refused_in_a_row;
    }
  }
}

TEST(Limiter, RepeatOffendersWaitLongerEachTime) {
  ManualClock clock(0);
  Limiter l(clock);
  const Policy p{"bot", 2, 60'000'000};
  l.check("u", p);
  l.check("u", p);
  Micros last = 0;
  for (int round = 0; round < 3; ++round) {
    Decision d;
    for (int i = 0; i < 10; ++i) d = l.check("u", p);  // ten refusals earn a penalty level
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.penalty_level, round + 1);
    EXPECT_GT(d.retry_after, last);
    last = d.retry_after;
  }
  clock.advance(last + 1);
  EXPECT_TRUE(l.check("u", p).allowed);
}

TEST(Limiter, RouterGuardAnswers429WithHeaders) {
  ManualClock clock(0);
  Limiter l(clock);
  http::Router router;
  router.add("GET", "/x", [](const http::Request&) { return http::Response::json(200, {}); });
  const Policy p{"api", 3, 60'000'000};
  router.set_guard([&](const http::Request& req, auto& headers) -> std::optional<http::Response> {
    const auto d = l.check(req.remote_addr, p);
    headers.emplace_back("X-RateLimit-Remaining", std::to_string(d.remaining));
    if (d.allowed) return std::nullopt;
    return http::Response::error(Error(ErrorCode::kRateLimited, "slow down", nullptr, 60),
                                 clock.now());
  });
  http::Request req;
  req.method = "GET";
  req.path = "/x";
  req.remote_addr = "10.0.0.1";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(router.dispatch(req, clock).status, 200);
  const auto r = router.dispatch(req, clock);
  EXPECT_EQ(r.status, 429);
  bool retry = false, remaining = false;
  for (const auto& [k, v] : r.headers) {
    retry |= k == "Retry-After" && v == "60";
    remaining |= k == "X-RateLimit-Remaining" && v == "0";
  }
  EXPECT_TRUE(retry);
  EXPECT_TRUE(remaining);
  EXPECT_NE(r.body.find("RATE_LIMITED"), std::string::npos);
}

}  // namespace
}  // namespace lucas::ratelimit
