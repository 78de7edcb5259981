// The rate-limit contract on both implementations (in-process, and Redis through a real
// redis-server): Property 28, the sliding window under any request pattern, progressive penalties
// and the router guard. Then what only Redis has: one limit shared by several nodes, decisions
// identical to the in-process ones for any pattern, and the in-process fallback while Redis is
// down.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include <thread>

#include <atomic>

#include "base/blocking.h"
#include "infra/http/http.h"
#include "infra/ratelimit/limiter.h"
#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"
#include "tests/support/redis_harness.h"

namespace lucas::ratelimit {
namespace {

using namespace std::chrono_literals;

const Policy kApi = api_policy();

redis::Client& shared_client() {
  static redis::Client client(redis::parse_url(lucas::testing::RedisServer::shared().url(7)));
  client.wait_up(10s);
  return client;
}

// A limiter with no state yet: in-process, or on Redis under a prefix of its own.
std::unique_ptr<Limiter> make(const std::string& impl, const Clock& clock) {
  static int fresh = 0;
  if (impl == "memory") return std::make_unique<MemoryLimiter>(clock);
  return std::make_unique<RedisLimiter>(shared_client(), clock, nullptr,
                                        "t" + std::to_string(++fresh) + ":");
}

class LimiterContract : public ::testing::TestWithParam<std::string> {};

// Property 28: the 101st request within 60 s is refused.
TEST_P(LimiterContract, Property28_The101stRequestInAMinuteIsRefused) {
  ManualClock clock(1'767'225'600'000'000);
  auto l = make(GetParam(), clock);
  for (int i = 0; i < 100; ++i) {
    const auto d = l->check("ip:1", kApi);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 99 - i);
    EXPECT_EQ(d.reset_in, 60'000'000 - i * 500'000);
    clock.advance(500'000);  // 100 requests over 50 s
  }
  const auto d = l->check("ip:1", kApi);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after, 10'000'000);  // the first one leaves the window at t = 60 s
  EXPECT_TRUE(d.first_refusal);
  EXPECT_FALSE(l->check("ip:1", kApi).first_refusal);
  EXPECT_TRUE(l->check("ip:2", kApi).allowed);          // keys are independent
  EXPECT_TRUE(l->check("ip:1", bot_policy()).allowed);  // and so are policies
  clock.advance(10'000'000);
  EXPECT_TRUE(l->check("ip:1", kApi).allowed);
}

// Property 28 for any arrival pattern: whatever the spacing of 101 requests inside 60 s, the
// 101st is refused; and a request arriving once the window holds fewer than 100 is allowed.
TEST_P(LimiterContract, Property28_AnyHundredAndOneRequestsWithinAMinute) {
  const bool ok = rc::check("the 101st request within 60 s is refused", [this] {
    ManualClock clock(*rc::gen::inRange<int64_t>(0, 4'000'000'000'000'000));
    auto l = make(GetParam(), clock);
    // 100 allowed requests spread over less than 60 s, then one more inside the window.
    auto gaps =
        *rc::gen::container<std::vector<int64_t>>(100, rc::gen::inRange<int64_t>(0, 590'000));
    for (auto g : gaps) {
      clock.advance(g);
      RC_ASSERT(l->check("user:7", kApi).allowed);
    }
    RC_ASSERT(!l->check("user:7", kApi).allowed);
  });
  EXPECT_TRUE(ok);
}

// A check inside the network thread's inline attempt (base/blocking.h) is refused before it
// counts, so a request sent on to the worker pool is counted once; inside the router's guard
// (InlineSideEffects) it counts on the in-process limiter and goes to the pool on Redis.
TEST_P(LimiterContract, AnInlineAttemptCountsNothing) {
  ManualClock clock(1'767'225'600'000'000);
  auto l = make(GetParam(), clock);
  const Policy two{"t", 2, 60'000'000};
  {
    const InlineAttempt attempt;
    EXPECT_THROW(l->check("k", two), WouldBlock);
    EXPECT_THROW(l->check("k", two), WouldBlock);
    const InlineSideEffects guard;
    if (GetParam() == "memory") {
      EXPECT_EQ(l->check("k", two).remaining, 1);
    } else {
      EXPECT_THROW(l->check("k", two), WouldBlock);  // Redis blocks: the pool asks it
    }
  }
  EXPECT_EQ(l->check("k", two).remaining, GetParam() == "memory" ? 0 : 1);
}

// For any request pattern, no trailing window ever holds more than `limit` allowed requests,
// and a request is refused only when the window is full (unless a penalty applies).
TEST_P(LimiterContract, NeverMoreThanTheLimitInAnyWindow) {
  const bool ok = rc::check("sliding window", [this] {
    ManualClock clock(0);
    auto l = make(GetParam(), clock);
    const Policy p{"t", *rc::gen::inRange(1, 20), 10'000'000};
    const auto gaps =
        *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, 2'000'000));
    std::vector<Micros> allowed;
    for (auto gap : gaps) {
      clock.advance(gap);
      const auto d = l->check("k", p);
      int in_window = 0;
      for (auto t : allowed) in_window += t + p.window > clock.now();
      if (d.penalty_level == 0) RC_ASSERT(d.allowed == (in_window < p.limit));
      if (d.allowed) {
        allowed.push_back(clock.now());
        RC_ASSERT(in_window + 1 <= p.limit);
        RC_ASSERT(d.remaining == p.limit - in_window - 1);
      } else {
        RC_ASSERT(d.retry_after > 0);
      }
    }
  });
  EXPECT_TRUE(ok);
}

TEST_P(LimiterContract, RepeatOffendersWaitLongerEachTime) {
  ManualClock clock(0);
  auto l = make(GetParam(), clock);
  const Policy p{"bot", 2, 60'000'000};
  l->check("u", p);
  l->check("u", p);
  Micros last = 0;
  for (int round = 0; round < 3; ++round) {
    Decision d;
    for (int i = 0; i < 10; ++i) d = l->check("u", p);  // ten refusals earn a penalty level
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.penalty_level, round + 1);
    EXPECT_EQ(d.retry_after, p.window << round);  // one window, then two, then four
    EXPECT_GT(d.retry_after, last);
    last = d.retry_after;
  }
  clock.advance(last - 1);
  EXPECT_FALSE(l->check("u", p).allowed);  // still penalised (and a strike more)
  clock.advance(600'000'001);              // ten quiet minutes: strikes are forgiven
  EXPECT_TRUE(l->check("u", p).allowed);
  EXPECT_TRUE(l->check("u", p).allowed);
  const auto d = l->check("u", p);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.penalty_level, 0);
}

TEST_P(LimiterContract, RouterGuardAnswers429WithHeaders) {
  ManualClock clock(0);
  auto l = make(GetParam(), clock);
  http::Router router;
  router.add("GET", "/x", [](const http::Request&) { return http::Response::json(200, {}); });
  const Policy p{"api", 3, 60'000'000};
  router.set_guard([&](const http::Request& req, auto& headers) -> std::optional<http::Response> {
    const auto d = l->check(req.remote_addr, p);
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

// Threads deciding at once for one key never let more than the limit through, nor fewer.
TEST_P(LimiterContract, ConcurrentChecksOnOneKeyAllowExactlyTheLimit) {
  ManualClock clock(1'790'000'000'000'000);
  auto limiter = make(GetParam(), clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) allowed += limiter->check("shared", kApi).allowed ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
}

// peek says what check would decide, counting nothing and changing nothing (the token endpoint
// counts only failures but refuses every request past the limit).
TEST_P(LimiterContract, PeekTellsWhatCheckWouldDecideWithoutCounting) {
  ManualClock clock(1'767'225'600'000'000);
  auto l = make(GetParam(), clock);
  const Policy p{"auth", 3, 60'000'000};
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(l->peek("ip:9", p).allowed);  // counts nothing
  EXPECT_EQ(l->peek("ip:9", p).remaining, 3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(l->check("ip:9", p).allowed);
    clock.advance(1'000'000);
  }
  auto d = l->peek("ip:9", p);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 57'000'000);  // the first check leaves the window at +60 s
  EXPECT_TRUE(d.first_refusal);
  for (int i = 0; i < 20; ++i) l->peek("ip:9", p);  // no strikes from peeking
  d = l->check("ip:9", p);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.first_refusal);
  EXPECT_EQ(d.penalty_level, 0);
  EXPECT_FALSE(l->peek("ip:9", p).first_refusal);   // a refusal was recorded by check
  for (int i = 0; i < 9; ++i) l->check("ip:9", p);  // ten refusals: a penalty
  clock.advance(59'000'000);                        // the requests have left the window...
  d = l->peek("ip:9", p);
  EXPECT_FALSE(d.allowed);  // ...but the penalty (60 s from the tenth refusal) still runs
  EXPECT_EQ(d.penalty_level, 1);
  EXPECT_EQ(d.retry_after, 1'000'000);
  clock.advance(1'000'000);
  EXPECT_TRUE(l->peek("ip:9", p).allowed);
  EXPECT_TRUE(l->check("ip:9", p).allowed);
}

INSTANTIATE_TEST_SUITE_P(Impl, LimiterContract,
                         ::testing::Values(std::string("memory"), std::string("redis")),
                         [](const auto& p) { return p.param; });

// Idle keys are forgotten (memory stays bounded), each by its own policy's window: a key of an
// hourly policy is not forgotten because a per-minute one's window has passed.
TEST(MemoryLimiter, ForgetsIdleKeysByTheirOwnWindow) {
  ManualClock clock(1'790'000'000'000'000);
  MemoryLimiter limiter(clock);
  const Policy hourly{"hourly", 1, 3'600'000'000};
  ASSERT_TRUE(limiter.check("u1", hourly).allowed);
  clock.advance(120'000'000);
  // Enough checks on other keys that every shard sweeps its idle keys more than once.
  for (int i = 0; i < 700'000; ++i) limiter.check("k" + std::to_string(i % 5000), kApi);
  EXPECT_FALSE(limiter.check("u1", hourly).allowed);
  clock.advance(3'600'000'000);
  EXPECT_TRUE(limiter.check("u1", hourly).allowed);
}

// For any request pattern (bursts, penalties, long pauses), the Redis limiter decides exactly as
// the in-process one, field by field.
RC_GTEST_PROP(RedisLimiterProperty, DecidesExactlyAsTheInProcessLimiter, ()) {
  ManualClock clock(*rc::gen::inRange<int64_t>(0, 4'000'000'000'000'000));
  static int fresh = 0;
  RedisLimiter redis_limiter(shared_client(), clock, nullptr,
                             "same" + std::to_string(++fresh) + ":");
  MemoryLimiter memory(clock);
  const Policy p{"p", *rc::gen::inRange(1, 6), *rc::gen::inRange<int64_t>(1, 5'000'000)};
  const auto steps = *rc::gen::container<std::vector<std::pair<int64_t, int>>>(rc::gen::pair(
      rc::gen::oneOf(rc::gen::just<int64_t>(0), rc::gen::inRange<int64_t>(0, 3'000'000),
                     rc::gen::inRange<int64_t>(0, 1'000'000'000)),
      rc::gen::inRange(0, 2)));
  for (const auto& [gap, key] : steps) {
    clock.advance(gap);
    const std::string k = "k" + std::to_string(key);
    const auto a = memory.check(k, p);
    const auto b = redis_limiter.check(k, p);
    RC_ASSERT(a.allowed == b.allowed);
    RC_ASSERT(a.limit == b.limit);
    RC_ASSERT(a.remaining == b.remaining);
    RC_ASSERT(a.reset_in == b.reset_in);
    RC_ASSERT(a.retry_after == b.retry_after);
    RC_ASSERT(a.first_refusal == b.first_refusal);
    RC_ASSERT(a.penalty_level == b.penalty_level);
  }
}

// Property 28 across nodes: the budget is shared, wherever the requests land.
TEST(RedisLimiter, Property28_OneLimitSharedByAllNodes) {
  auto& server = lucas::testing::RedisServer::shared();
  redis::Client a(redis::parse_url(server.url(7))), b(redis::parse_url(server.url(7)));
  ASSERT_TRUE(a.wait_up(10s) && b.wait_up(10s));
  ManualClock clock(1'767'225'600'000'000);
  RedisLimiter node_a(a, clock, nullptr, "shared:"), node_b(b, clock, nullptr, "shared:");
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE((i % 3 == 0 ? node_a : node_b).check("user:42", kApi).allowed) << i;
    clock.advance(100'000);
  }
  EXPECT_FALSE(node_a.check("user:42", kApi).allowed);
  EXPECT_FALSE(node_b.check("user:42", kApi).allowed);
}

// Redis goes away mid-test: decisions keep coming (in-process) without errors; when it is back
// they are made on Redis again.
TEST(RedisLimiter, FallsBackInProcessWhileRedisIsDownAndReturnsByItself) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 100ms;
  o.command_timeout = 300ms;
  redis::Client client(redis::parse_url(server->url()), o);
  ASSERT_TRUE(client.wait_up(10s));
  telemetry::Registry metrics;
  ManualClock clock(0);
  RedisLimiter l(client, clock, &metrics);
  const Policy p{"api", 5, 60'000'000};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.check("ip:9", p).allowed);
  server->stop();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(l.check("ip:9", p).allowed) << i;  // a fresh budget
  EXPECT_FALSE(l.check("ip:9", p).allowed);  // still limited, in-process
  EXPECT_NE(metrics.render().find("lucas_ratelimit_decisions_total{backend=\"in_process\"} 6"),
            std::string::npos)
      << metrics.render();
  server->restart();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_TRUE(l.check("ip:9", p).allowed);  // Redis again (its state was lost with the server)
  EXPECT_NE(metrics.render().find("lucas_ratelimit_decisions_total{backend=\"redis\"} 4"),
            std::string::npos)
      << metrics.render();
}

}  // namespace
}  // namespace lucas::ratelimit
