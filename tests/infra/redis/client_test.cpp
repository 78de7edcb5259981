// The Redis client against a real redis-server: URLs, replies, scripts, pipelining from many
// threads, pub/sub, and the faults — a server stopped, restarted, paused (answers nothing) or
// absent at start — with the circuit breaker opening and closing by itself.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "base/blocking.h"
#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_harness.h"

namespace lucas::redis {
namespace {

using namespace std::chrono_literals;
using lucas::testing::RedisServer;

Options fast_options() {
  Options o;
  o.command_timeout = 300ms;
  o.connect_timeout = 300ms;
  o.retry_min = 20ms;
  o.retry_max = 200ms;
  return o;
}

// Waits for a condition that another thread makes true (never a timing assertion: the bound
// only keeps a broken build from hanging).
using lucas::testing::eventually;

TEST(RedisUrl, ParsesEveryForm) {
  auto u = parse_url("redis://127.0.0.1:6380/2");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.db, 2);
  EXPECT_TRUE(u.password.empty());
  u = parse_url("redis://cache.internal");
  EXPECT_EQ(u.host, "cache.internal");
  EXPECT_EQ(u.port, 6379);
  EXPECT_EQ(u.db, 0);
  u = parse_url("redis://:s3cret@10.0.0.5:6379/1");
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_TRUE(u.user.empty());
  EXPECT_EQ(u.describe(), "redis://:***@10.0.0.5:6379/1");
  u = parse_url("redis://lucas:pw@[::1]:7000/");
  EXPECT_EQ(u.user, "lucas");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 7000);
  EXPECT_EQ(u.describe(), "redis://lucas:***@[::1]:7000/0");
  for (const char* bad : {"http://x", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x",
                          "redis://h/abc", "redis://h:", "redis://[::1"}) {
    EXPECT_THROW(parse_url(bad), std::invalid_argument) << bad;
  }
  try {
    parse_url("redis://:topsecret@h:bad");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos);
  }
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = &RedisServer::shared();
    server_->flushall();
    client_ = std::make_unique<Client>(parse_url(server_->url(3)), fast_options(), &metrics_);
    ASSERT_TRUE(client_->wait_up(10s));
  }
  RedisServer* server_ = nullptr;
  telemetry::Registry metrics_;
  std::unique_ptr<Client> client_;
};

TEST_F(RedisClientTest, RepliesOfEveryType) {
  EXPECT_EQ(client_->command({"SET", "k", std::string("a\0b", 3)}).str, "OK");
  const auto got = client_->command({"GET", "k"});
  EXPECT_EQ(got.type, Reply::Type::kString);
  EXPECT_EQ(got.str, std::string("a\0b", 3));  // binary safe
  EXPECT_TRUE(client_->command({"GET", "missing"}).is_nil());
  EXPECT_EQ(client_->command({"INCRBY", "n", "41"}).integer, 41);
  client_->command({"RPUSH", "l", "x", "y"});
  const auto list = client_->command({"LRANGE", "l", "0", "-1"});
  ASSERT_EQ(list.type, Reply::Type::kArray);
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].str, "y");
  const auto err = client_->command({"INCR", "l"});  // wrong type: an error reply, not a throw
  EXPECT_TRUE(err.is_error());
  EXPECT_NE(err.str.find("WRONGTYPE"), std::string::npos);
  // The URL's database was selected.
  EXPECT_EQ(client_->command({"CLIENT", "INFO"}).str.find("db=3") != std::string::npos, true);
}

// Inside the network thread's inline attempt (base/blocking.h) a command is refused before it
// is sent, scripts included.
TEST_F(RedisClientTest, AnInlineAttemptIsRefusedBeforeTheCommandIsSent) {
  {
    const InlineAttempt attempt;
    EXPECT_THROW(client_->command({"INCR", "inline"}), WouldBlock);
    EXPECT_THROW(client_->eval(Script("return redis.call('INCR', KEYS[1])"), {"inline"}, {}),
                 WouldBlock);
  }
  EXPECT_TRUE(client_->command({"GET", "inline"}).is_nil());
  EXPECT_EQ(client_->command({"INCR", "inline"}).integer, 1);
}

TEST_F(RedisClientTest, ScriptsRunBySha1AndAreResentWhenTheServerForgetsThem) {
  const Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  EXPECT_EQ(script.sha1().size(), 40u);
  EXPECT_EQ(client_->eval(script, {"s"}, {"5"}).integer, 5);
  EXPECT_EQ(client_->eval(script, {"s"}, {"5"}).integer, 10);
  client_->command({"SCRIPT", "FLUSH"});
  EXPECT_EQ(client_->eval(script, {"s"}, {"1"}).integer, 11);
  const auto exists = client_->command({"SCRIPT", "EXISTS", script.sha1()});
  ASSERT_EQ(exists.elements.size(), 1u);
  EXPECT_EQ(exists.elements[0].integer, 1);
}

TEST_F(RedisClientTest, ManyThreadsPipelineOnOneConnection) {
  constexpr int kThreads = 8, kEach = 300;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        try {
          client_->command({"INCR", "counter"});
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(client_->command({"GET", "counter"}).str, std::to_string(kThreads * kEach));
  EXPECT_NE(metrics_.render().find("lucas_redis_commands_total{result=\"ok\"}"), std::string::npos);
}

TEST_F(RedisClientTest, AsyncCallbacksRunOnTheIoThreadWhereTheSyncApiIsRefused) {
  std::promise<std::string> done;
  client_->async_command({"PING"}, [&](Outcome o) {
    try {
      client_->command({"PING"});
      done.set_value("sync call allowed");
    } catch (const std::logic_error&) {
      done.set_value(o.ok() && client_->on_io_thread() ? o.reply.str : "bad outcome");
    }
  });
  EXPECT_EQ(done.get_future().get(), "PONG");
}

TEST_F(RedisClientTest, PubSubDeliversAndReportsSubscriptions) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> got;
  std::atomic<int> subscribed{0};
  client_->on_subscribed([&] { ++subscribed; });
  client_->subscribe("news", [&](const std::string& ch, const std::string& m) {
    std::lock_guard lock(mu);
    got.push_back(ch + "=" + m);
    cv.notify_all();
  });
  ASSERT_TRUE(eventually([&] { return subscribed.load() >= 1; }));
  EXPECT_TRUE(client_->publish("news", "one"));
  EXPECT_TRUE(client_->publish("other", "ignored"));
  EXPECT_TRUE(client_->publish("news", "two"));
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return got.size() >= 2; }));
  EXPECT_EQ(got, (std::vector<std::string>{"news=one", "news=two"}));
}

// Stop Redis: commands fail at once with Unavailable (the breaker is open and nothing is sent);
// start it again: the client reconnects by itself, re-subscribes, and commands work again.
TEST(RedisFaults, StoppedServerOpensTheBreakerAndARestartClosesIt) {
  auto server = RedisServer::start_new();
  telemetry::Registry metrics;
  Client client(parse_url(server->url()), fast_options(), &metrics);
  ASSERT_TRUE(client.wait_up(10s));
  std::atomic<int> subscribed{0};
  std::atomic<int> messages{0};
  client.on_subscribed([&] { ++subscribed; });
  client.subscribe("ch", [&](const std::string&, const std::string&) { ++messages; });
  ASSERT_TRUE(eventually([&] { return subscribed.load() == 1; }));
  client.command({"SET", "a", "1"});

  server->stop();
  ASSERT_TRUE(eventually([&] { return !client.up() && client.outages() == 1; }));
  EXPECT_THROW(client.command({"GET", "a"}), Unavailable);
  EXPECT_FALSE(client.publish("ch", "lost"));
  EXPECT_NE(metrics.render().find("lucas_redis_up 0"), std::string::npos);
  EXPECT_NE(metrics.render().find("lucas_redis_breaker_transitions_total{to=\"open\"} 1"),
            std::string::npos);

  server->restart();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_TRUE(client.command({"GET", "a"}).is_nil());  // a fresh server: no persistence
  EXPECT_EQ(client.command({"SET", "a", "2"}).str, "OK");
  ASSERT_TRUE(eventually([&] { return subscribed.load() == 2; }));  // re-subscribed
  EXPECT_TRUE(client.publish("ch", "after"));
  ASSERT_TRUE(eventually([&] { return messages.load() == 1; }));
  EXPECT_EQ(client.outages(), 1);
  EXPECT_NE(metrics.render().find("lucas_redis_breaker_transitions_total{to=\"closed\"} 1"),
            std::string::npos);
}

// A server that accepts connections but never answers: the command times out, the connection
// is dropped, and reconnection waits until the server answers a PING again.
TEST(RedisFaults, APausedServerTimesOutAndIsTrustedAgainOnlyWhenItAnswers) {
  auto server = RedisServer::start_new();
  Client client(parse_url(server->url()), fast_options());
  ASSERT_TRUE(client.wait_up(10s));
  server->pause();
  try {
    client.command({"PING"});
    FAIL() << "a paused server answered";
  } catch (const Unavailable& e) {
    EXPECT_NE(std::string(e.what()).find("no reply within 300 ms"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(client.up());
  EXPECT_THROW(client.command({"PING"}), Unavailable);
  server->resume();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_EQ(client.command({"PING"}).str, "PONG");
}

TEST(RedisFaults, NoServerAtStartIsAnOpenBreakerThatClosesWhenOneAppears) {
  auto server = RedisServer::start_new();
  server->stop();
  Client client(parse_url(server->url()), fast_options());
  EXPECT_FALSE(client.wait_up(200ms));
  EXPECT_THROW(client.command({"PING"}), Unavailable);
  std::promise<Outcome::Failure> failed;
  client.async_command({"PING"}, [&](Outcome o) { failed.set_value(o.failure); });
  EXPECT_EQ(failed.get_future().get(), Outcome::Failure::kUnavailable);
  server->restart();
  ASSERT_TRUE(client.wait_up(10s));
  EXPECT_EQ(client.command({"PING"}).str, "PONG");
}

TEST(RedisFaults, AWrongPasswordNeverCountsAsUp) {
  auto server = RedisServer::start_new();
  {
    Client admin(parse_url(server->url()), fast_options());
    ASSERT_TRUE(admin.wait_up(10s));
    EXPECT_EQ(admin.command({"CONFIG", "SET", "requirepass", "right"}).str, "OK");
  }
  auto url = parse_url(server->url());
  url.password = "wrong";
  Client bad(url, fast_options());
  EXPECT_FALSE(bad.wait_up(500ms));
  url.password = "right";
  Client good(url, fast_options());
  ASSERT_TRUE(good.wait_up(10s));
  EXPECT_EQ(good.command({"PING"}).str, "PONG");
}

TEST(RedisFaults, DestroyingTheClientFlushesWhatWasSent) {
  auto& server = RedisServer::shared();
  {
    Client client(parse_url(server.url(4)), fast_options());
    ASSERT_TRUE(client.wait_up(10s));
    client.command({"DEL", "flushed"});
    for (int i = 0; i < 100; ++i) client.async_command({"INCR", "flushed"}, [](Outcome) {});
  }
  Client check(parse_url(server.url(4)), fast_options());
  ASSERT_TRUE(check.wait_up(10s));
  EXPECT_EQ(check.command({"GET", "flushed"}).str, "100");
}

}  // namespace
}  // namespace lucas::redis
