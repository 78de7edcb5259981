// The bus contract on both implementations (in-process, and Redis pub/sub between two nodes):
// channel routing, unsubscribe, a throwing subscriber that does not stop the others; and what only
// the Redis bus has: delivery to other nodes, its own messages not delivered twice, gaps.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "infra/events/bus.h"
#include "infra/events/redis_bus.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_harness.h"

namespace lucas::events {
namespace {

using namespace std::chrono_literals;

using lucas::testing::eventually;

// Records what a subscriber received, from any thread.
struct Inbox {
  std::mutex mu;
  std::vector<std::string> got;
  Bus::Handler handler() {
    return [this](const std::string& ch, const std::string& m) {
      std::lock_guard lock(mu);
      got.push_back(ch + ":" + m);
    };
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mu);
    return got;
  }
  size_t size() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

redis::Options fast() {
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 200ms;
  o.command_timeout = 300ms;
  o.connect_timeout = 300ms;
  return o;
}

class BusContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      bus_ = std::make_unique<LocalBus>();
      return;
    }
    client_ = std::make_unique<redis::Client>(
        redis::parse_url(lucas::testing::RedisServer::shared().url()), fast());
    ASSERT_TRUE(client_->wait_up(10s));
    bus_ = std::make_unique<RedisBus>(*client_, "node-a", nullptr,
                                      "test:" + std::to_string(++round_) + ":");
  }
  void TearDown() override {
    bus_.reset();
    client_.reset();
  }
  static inline int round_ = 0;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<Bus> bus_;
};

TEST_P(BusContract, DeliversToEverySubscriberOfTheChannelOnly) {
  Inbox a, b;
  std::atomic<int> broken_calls{0};
  const auto ida = bus_->subscribe("ws", a.handler());
  bus_->subscribe("ws", [&](const std::string&, const std::string&) {
    ++broken_calls;
    throw std::runtime_error("broken subscriber");
  });
  bus_->subscribe("cache", b.handler());
  bus_->publish("ws", "hello");
  bus_->publish("cache", "user:1");
  bus_->publish("nobody", "x");
  ASSERT_TRUE(eventually([&] { return a.size() == 1 && b.size() == 1; }));
  EXPECT_EQ(a.snapshot(), (std::vector<std::string>{"ws:hello"}));
  EXPECT_EQ(b.snapshot(), (std::vector<std::string>{"cache:user:1"}));
  EXPECT_TRUE(eventually([&] { return broken_calls.load() == 1; }));
  bus_->unsubscribe(ida);
  bus_->publish("ws", "again");
  bus_->publish("cache", "marker");
  ASSERT_TRUE(eventually([&] { return b.size() == 2; }));  // delivered in order: "again" is done
  EXPECT_EQ(a.size(), 1u);
  EXPECT_THROW(bus_->publish("", "x"), std::invalid_argument);
  EXPECT_THROW(bus_->subscribe("", a.handler()), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Impl, BusContract,
                         ::testing::Values(std::string("local"), std::string("redis")),
                         [](const auto& p) { return p.param; });

TEST(RedisBus, MessagesReachEveryNodeAndTheSenderOnce) {
  auto& server = lucas::testing::RedisServer::shared();
  redis::Client ca(redis::parse_url(server.url()), fast()), cb(redis::parse_url(server.url()));
  ASSERT_TRUE(ca.wait_up(10s) && cb.wait_up(10s));
  RedisBus a(ca, "a", nullptr, "two-nodes:"), b(cb, "b", nullptr, "two-nodes:");
  Inbox at_a, at_b;
  std::atomic<int> subscribed_a{0}, subscribed_b{0};
  a.on_gap([&] { ++subscribed_a; });
  b.on_gap([&] { ++subscribed_b; });
  a.subscribe("ch", at_a.handler());
  b.subscribe("ch", at_b.handler());
  ASSERT_TRUE(eventually([&] { return subscribed_a.load() >= 1 && subscribed_b.load() >= 1; }));
  for (int i = 0; i < 20; ++i) (i % 2 == 0 ? a : b).publish("ch", std::to_string(i));
  ASSERT_TRUE(eventually([&] { return at_a.size() == 20 && at_b.size() == 20; }));
  std::this_thread::sleep_for(100ms);  // nothing more arrives (no echo of one's own messages)
  EXPECT_EQ(at_a.size(), 20u);
  EXPECT_EQ(at_b.size(), 20u);
}

// Redis stops: a node's own messages still reach its own subscribers, other nodes miss them;
// when Redis is back every node is told there was a gap.
TEST(RedisBus, AnOutageIsAGapThatSubscribersAreToldAbout) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Client ca(redis::parse_url(server->url()), fast()),
      cb(redis::parse_url(server->url()), fast());
  ASSERT_TRUE(ca.wait_up(10s) && cb.wait_up(10s));
  RedisBus a(ca, "a"), b(cb, "b");
  Inbox at_a, at_b;
  std::atomic<int> gaps_b{0};
  b.on_gap([&] { ++gaps_b; });
  a.subscribe("ch", at_a.handler());
  b.subscribe("ch", at_b.handler());
  ASSERT_TRUE(eventually([&] { return gaps_b.load() == 1; }));
  server->stop();
  ASSERT_TRUE(eventually([&] { return !ca.up(); }));
  a.publish("ch", "during the outage");
  ASSERT_TRUE(eventually([&] { return at_a.size() == 1; }));
  server->restart();
  ASSERT_TRUE(eventually([&] { return gaps_b.load() == 2; }));
  ASSERT_TRUE(ca.wait_up(10s));
  a.publish("ch", "after");
  ASSERT_TRUE(eventually([&] { return at_b.size() == 1; }));
  EXPECT_EQ(at_b.snapshot(), (std::vector<std::string>{"ch:after"}));
}

TEST(RedisBus, UnsubscribeWaitsForARunningHandler) {
  auto& server = lucas::testing::RedisServer::shared();
  redis::Client c(redis::parse_url(server.url()), fast());
  ASSERT_TRUE(c.wait_up(10s));
  RedisBus bus(c, "solo", nullptr, "unsub:");
  std::atomic<bool> inside{false}, finished{false};
  const auto id = bus.subscribe("slow", [&](const std::string&, const std::string&) {
    inside = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  bus.publish("slow", "x");
  ASSERT_TRUE(eventually([&] { return inside.load(); }));
  bus.unsubscribe(id);
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace lucas::events
