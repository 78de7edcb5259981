// Two real `lucas serve` nodes on one PostgreSQL database and one Redis behave as one platform:
// one rate limit across both (Property 28), an event committed on node A reaching node B's
// everywhere-subscribers exactly once and invalidating its cached token, cached balances fresh on
// both after a change, scheduled jobs taken over when the leader is killed, and Redis stopped and
// started under them — requests keep succeeding, and Redis is used again.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "tests/support/cluster.h"
#include "tests/support/eventually.h"

namespace lucas::testing {
namespace {

using namespace std::chrono_literals;

// Waits for something the nodes do in the background (a bound, never a timing assertion).
using lucas::testing::eventually;

double value(const LucasProcess& n, const std::string& series) {
  return metric(n.metrics(), series).value_or(-1);
}

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// A balance is private: read with the user's own token (`lucas token create --scope ...`).
std::string token_for(const Cluster& c, int64_t user) {
  const auto made =
      c.cli({"token", "create", "--user", std::to_string(user), "--scope", "balance:read"});
  return made.out.substr(0, made.out.find('\n'));
}

std::string balance_of(const LucasProcess& n, int64_t user, const std::string& token) {
  const auto r = n.get("/api/v1/users/" + std::to_string(user) + "/balance", bearer(token));
  if (r.status != 200) return "status " + std::to_string(r.status);
  return nlohmann::json::parse(r.body)["balance"]["amount"].get<std::string>();
}

class ClusterTest : public ::testing::Test {
 protected:
  // Every node still running stops cleanly (its background work, Redis connections and
  // sanitizers included).
  void TearDown() override {
    for (const auto& [id, code] : c_.stop_all()) EXPECT_EQ(code, 0) << "node " << id;
  }
  Cluster c_{LUCAS_BINARY};
};

// Property 28 across nodes: 100 requests spread over both nodes use up one budget, and the
// 101st is refused on either.
TEST_F(ClusterTest, Property28_OneRateLimitAcrossBothNodes) {
  auto& a = c_.start_node("a");
  auto& b = c_.start_node("b");
  for (int i = 0; i < 100; ++i) {
    const auto r = (i % 2 == 0 ? a : b).get("/api/v1/users/1");
    ASSERT_EQ(r.status, 404) << i << " " << r.body;  // allowed (the user does not exist)
    EXPECT_EQ(r.header("x-ratelimit-remaining"), std::to_string(99 - i));
  }
  const auto refused_a = a.get("/api/v1/users/1");
  const auto refused_b = b.get("/api/v1/users/1");
  EXPECT_EQ(refused_a.status, 429);
  EXPECT_EQ(refused_b.status, 429);
  EXPECT_FALSE(refused_b.header("retry-after").empty());
  EXPECT_NE(refused_b.body.find("RATE_LIMITED"), std::string::npos);
  EXPECT_GE(value(a, "lucas_ratelimit_decisions_total{backend=\"redis\"}"), 51);
  EXPECT_EQ(value(b, "lucas_ratelimit_decisions_total{backend=\"in_process\"}"), 0);
}

// Node A commits an event (a client revoked); node B's everywhere-subscribers (its token cache)
// receive it exactly once — over the bus, while B's catch-up keeps re-reading it from the table —
// and the revoked token stops working on B.
TEST_F(ClusterTest, AnEventCommittedOnANodeReachesTheOtherOnceAndInvalidatesItsCache) {
  auto& a = c_.start_node("a");
  auto& b = c_.start_node("b");
  ASSERT_EQ(c_.cli({"user", "add", "--id", "101", "--username", "alice"}).code, 0);
  const auto console = c_.cli({"token", "create", "--user", "101"});
  ASSERT_EQ(console.code, 0) << console.err;
  const std::string admin_token = console.out.substr(0, console.out.find('\n'));
  // An active client comes from the console (through the API it would wait for the bot).
  const auto created = c_.cli({"client", "create", "--user", "101", "--name", "cluster"});
  ASSERT_EQ(created.code, 0) << created.err;
  const auto field = [&](const std::string& name) {
    const size_t at = created.out.find(name);
    const size_t from = created.out.find_first_not_of(' ', at + name.size());
    return created.out.substr(from, created.out.find('\n', from) - from);
  };
  const std::string client_id = field("client_id"), secret = field("client_secret");
  const auto issued =
      a.request("POST", "/api/v1/oauth/token",
                "grant_type=client_credentials&client_id=" + client_id + "&client_secret=" + secret,
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string token = nlohmann::json::parse(issued.body)["access_token"];
  EXPECT_EQ(b.get("/api/v1/me", bearer(token)).status, 200);
  EXPECT_EQ(b.get("/api/v1/me", bearer(token)).status, 200);  // from the cache now

  // Let the earlier events (the user's creation) settle everywhere first.
  const std::string delivered = "lucas_outbox_everywhere_total{what=\"delivered\"}";
  const std::string received = "lucas_bus_messages_total{what=\"received\"}";
  double before = -1;
  ASSERT_TRUE(eventually([&] {
    const double now = value(b, delivered);
    const bool stable = now == before && now >= 1;
    before = now;
    if (!stable) std::this_thread::sleep_for(1500ms);  // longer than a catch-up period
    return stable;
  }));
  const double received_before = value(b, received);

  const auto revoked = a.request("DELETE", "/api/v1/clients/" + client_id, "", bearer(admin_token));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  ASSERT_TRUE(eventually([&] { return b.get("/api/v1/me", bearer(token)).status == 401; }));
  ASSERT_TRUE(eventually([&] { return value(b, delivered) == before + 1; }));
  EXPECT_GE(value(b, received), received_before + 1);  // it came over Redis pub/sub
  // B's catch-up re-reads the event from the table every second: still delivered once.
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(value(b, delivered), before + 1);
  EXPECT_EQ(a.get("/api/v1/me", bearer(token)).status, 401);
}

// A change committed elsewhere (the CLI) is seen by both nodes' balance reads, which are cached.
TEST_F(ClusterTest, CachedBalancesAreFreshOnEveryNodeAfterAChange) {
  auto& a = c_.start_node("a");
  auto& b = c_.start_node("b");
  ASSERT_EQ(c_.cli({"user", "add", "--id", "7"}).code, 0);
  ASSERT_EQ(c_.cli({"ledger", "grant", "--user", "7", "--amount", "10", "--key", "g1"}).code, 0);
  const std::string t = token_for(c_, 7);
  EXPECT_EQ(balance_of(a, 7, t), "10.00");
  EXPECT_EQ(balance_of(b, 7, t), "10.00");
  EXPECT_EQ(balance_of(b, 7, t), "10.00");
  EXPECT_GE(value(b, "lucas_cache_requests_total{result=\"hit\",space=\"balance\"}"), 1);
  ASSERT_EQ(c_.cli({"ledger", "grant", "--user", "7", "--amount", "5.5", "--key", "g2"}).code, 0);
  ASSERT_TRUE(eventually([&] { return balance_of(a, 7, t) == "15.50"; }));
  ASSERT_TRUE(eventually([&] { return balance_of(b, 7, t) == "15.50"; }));
  // The audit chain holds each transfer once, whichever process dispatched it.
  const auto audit = c_.cli({"audit", "search", "--action", "ledger.transfer"});
  ASSERT_EQ(audit.code, 0) << audit.err;
  EXPECT_EQ(std::count(audit.out.begin(), audit.out.end(), '\n'), 2);
}

// Jobs run on the leader only; kill it (SIGKILL: its PostgreSQL session dies with it) and the
// other node takes leadership and runs the jobs.
TEST_F(ClusterTest, TheOtherNodeTakesOverTheJobsWhenTheLeaderIsKilled) {
  auto& a = c_.start_node("a");
  auto& b = c_.start_node("b");
  ASSERT_TRUE(
      eventually([&] { return value(a, "lucas_job_leader") + value(b, "lucas_job_leader") == 1; }));
  LucasProcess& leader = value(a, "lucas_job_leader") == 1 ? a : b;
  LucasProcess& other = &leader == &a ? b : a;
  const std::string leader_id = leader.env().at("LUCAS_NODE_ID");
  const std::string other_id = other.env().at("LUCAS_NODE_ID");
  const auto make_due = [&] {
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    c_.database().transact([&](store::Tx& tx) {
      tx.exec("UPDATE jobs SET next_due = $1 WHERE name = 'outbox.prune'", {store::Value{now}});
    });
  };
  const auto last = [&] {
    return c_.database().read([](store::Tx& tx) {
      const auto r = tx.exec("SELECT last_node, runs FROM jobs WHERE name = 'outbox.prune'");
      return r.empty() ? std::make_pair(std::string(), int64_t{0})
                       : std::make_pair(r.one().str(0), r.one().i64(1));
    });
  };
  ASSERT_TRUE(eventually([&] {
    return last().first.empty() && c_.database().read([](store::Tx& tx) {
      return !tx.exec("SELECT 1 FROM jobs WHERE name = 'outbox.prune'").empty();
    });
  }));
  make_due();
  ASSERT_TRUE(eventually([&] { return last().second == 1; }));
  EXPECT_EQ(last().first, leader_id);
  EXPECT_EQ(value(other, "lucas_job_leader"), 0);

  leader.kill();  // SIGKILL
  ASSERT_TRUE(eventually([&] { return value(other, "lucas_job_leader") == 1; }));
  make_due();
  ASSERT_TRUE(eventually([&] { return last().second == 2; }));
  EXPECT_EQ(last().first, other_id);
  const auto list = c_.cli({"jobs", "list"});
  EXPECT_NE(list.out.find("on " + other_id), std::string::npos) << list.out;
}

// Redis stops under both nodes: requests keep succeeding (rate limits in-process, reads from the
// database); it starts again: both nodes use it again by themselves.
TEST_F(ClusterTest, RedisStoppedAndStartedUnderTheNodes) {
  auto& a = c_.start_node("a");
  auto& b = c_.start_node("b");
  ASSERT_EQ(c_.cli({"user", "add", "--id", "9"}).code, 0);
  ASSERT_EQ(c_.cli({"ledger", "grant", "--user", "9", "--amount", "1", "--key", "g1"}).code, 0);
  const std::string t = token_for(c_, 9);
  EXPECT_EQ(balance_of(a, 9, t), "1.00");
  c_.redis().stop();
  for (auto* n : {&a, &b}) {
    for (int i = 0; i < 5; ++i) EXPECT_EQ(balance_of(*n, 9, t), "1.00");
    const auto ready = n->get("/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_TRUE(
        eventually([&] { return n->get("/readyz").body.find("\"down\"") != std::string::npos; }));
  }
  EXPECT_GE(value(a, "lucas_ratelimit_decisions_total{backend=\"in_process\"}"), 5);
  ASSERT_EQ(c_.cli({"ledger", "grant", "--user", "9", "--amount", "2", "--key", "g2"}).code, 0);
  EXPECT_EQ(balance_of(a, 9, t), "3.00");  // no stale cache: Redis is not answering at all

  c_.redis().restart();
  for (auto* n : {&a, &b}) {
    ASSERT_TRUE(
        eventually([&] { return n->get("/readyz").body.find("\"up\"") != std::string::npos; }));
    const double before = value(*n, "lucas_ratelimit_decisions_total{backend=\"redis\"}");
    EXPECT_EQ(balance_of(*n, 9, t), "3.00");
    EXPECT_GT(value(*n, "lucas_ratelimit_decisions_total{backend=\"redis\"}"), before);
    EXPECT_GE(value(*n, "lucas_redis_breaker_transitions_total{to=\"closed\"}"), 1);
  }
}

}  // namespace
}  // namespace lucas::testing
