// The per-user WebSocket connection limit across nodes: two hubs (two nodes), each with its own
// Redis connection, bus and registry, on one real redis-server. For any sequence of connections
// opened and closed on either node, what stays open is the user's newest `max_per_user`; the
// closed ones are told 4001. A node that died leaves entries that never cost a live connection.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <vector>

#include "base/clock.h"
#include "infra/events/redis_bus.h"
#include "infra/realtime/hub.h"
#include "infra/realtime/registry.h"
#include "infra/redis/redis.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_harness.h"

namespace lucas::realtime {
namespace {

using namespace std::chrono_literals;
using lucas::testing::eventually;

// Remembers how it was closed; frames are not looked at here.
struct ClosablePeer final : Peer {
  void send(Frame) override {}
  void close(uint16_t c, std::string) override { code = c; }
  std::atomic<uint16_t> code{0};
};

redis::Options fast() {
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 200ms;
  return o;
}

// One node: its Redis client, bus, registry and hub. `prefix` keeps one test's keys and channels
// apart from another's on the shared server.
struct Node {
  Node(const std::string& name, const std::string& prefix)
      : client(redis::parse_url(lucas::testing::RedisServer::shared().url()), fast()),
        bus(client, name, nullptr, prefix),
        registry(client, prefix + "conns:"),
        hub(clock, nullptr, HubOptions{3, 32, name}) {
    if (!client.wait_up(10s)) throw std::runtime_error("redis did not come up");
    hub.listen(bus);
    hub.use_registry(registry);
  }
  ManualClock clock{1'790'000'000'000'000};
  redis::Client client;
  events::RedisBus bus;
  RedisConnectionRegistry registry;
  Hub hub;
};

struct Opened {
  int node = 0;
  int64_t id = 0;
  std::string name;
  std::shared_ptr<ClosablePeer> peer;
};

// Whether the registry holds `name` for the user (read with a synchronous command).
bool registered(redis::Client& c, const std::string& prefix, int64_t user, const std::string& n) {
  return !c.command({"ZSCORE", prefix + "conns:" + std::to_string(user), n}).is_nil();
}

std::string fresh_prefix() {
  static std::atomic<int> round{0};
  return "wsreg" + std::to_string(++round) + ":";
}

RC_GTEST_PROP(WsRegistry, ForAnyOpensAndClosesOnTwoNodesTheNewestThreeStayOpen,
              (const std::vector<std::pair<bool, uint8_t>>& ops)) {
  RC_PRE(ops.size() <= 24u);
  const std::string prefix = fresh_prefix();
  Node a("node-a", prefix), b("node-b", prefix);
  // Pub/sub drops what is published before a subscription is active: each node's hub subscribed
  // first, so once a probe subscribed later on the same connection hears the other node, the
  // hub's "ws.evict" subscription is active too.
  std::atomic<int> heard_a{0}, heard_b{0};
  a.bus.subscribe("probe", [&](const std::string&, const std::string& m) { heard_a += m == "b"; });
  b.bus.subscribe("probe", [&](const std::string&, const std::string& m) { heard_b += m == "a"; });
  RC_ASSERT(eventually(
      [&] {
        a.bus.publish("probe", "a");
        b.bus.publish("probe", "b");
        return heard_a.load() > 0 && heard_b.load() > 0;
      },
      10s));
  Node* nodes[2] = {&a, &b};
  constexpr int64_t kUser = 42;
  std::vector<Opened> opened;  // in the order opened
  std::set<size_t> closed_by_client;
  std::vector<size_t> model;  // what should be open, oldest first
  for (const auto& [open, pick] : ops) {
    std::vector<size_t> live;  // opened, not closed by the client
    for (size_t i = 0; i < opened.size(); ++i) {
      if (closed_by_client.count(i) == 0 && opened[i].peer->code == 0) live.push_back(i);
    }
    if (open || live.empty()) {
      Opened o;
      o.node = pick % 2;
      o.peer = std::make_shared<ClosablePeer>();
      Hub& hub = nodes[o.node]->hub;
      o.id = hub.attach(kUser, o.peer);
      o.name = hub.registry_name(o.id);
      // Wait until the registry has counted it (and so closed what it pushes out): the next
      // step's order at Redis is then the order of this loop.
      RC_ASSERT(eventually([&] { return registered(a.client, prefix, kUser, o.name); }, 10s, 1ms));
      opened.push_back(o);
      // The model: a newcomer pushes out the oldest open connection beyond three.
      model.push_back(opened.size() - 1);
      if (model.size() > 3) model.erase(model.begin());
    } else {
      const size_t i = live[pick % live.size()];
      nodes[opened[i].node]->hub.detach(opened[i].id);
      closed_by_client.insert(i);
      std::erase(model, i);
      RC_ASSERT(eventually([&] { return !registered(a.client, prefix, kUser, opened[i].name); },
                           10s, 1ms));
    }
    const std::vector<size_t>& should_be_open = model;
    const auto settled = [&] {
      size_t open_now = 0;
      for (size_t i = 0; i < opened.size(); ++i) {
        if (closed_by_client.count(i) == 0 && opened[i].peer->code == 0) ++open_now;
      }
      return open_now == should_be_open.size() &&
             a.hub.connections_of(kUser) + b.hub.connections_of(kUser) == should_be_open.size();
    };
    RC_ASSERT(eventually(settled, 10s, 1ms));
    for (size_t i : should_be_open) RC_ASSERT(opened[i].peer->code == 0);
    for (size_t i = 0; i < opened.size(); ++i) {
      if (closed_by_client.count(i) == 0 && opened[i].peer->code != 0) {
        RC_ASSERT(opened[i].peer->code == kCloseReplaced);
      }
    }
  }
}

// Node A dies with three connections registered (its hub goes without closing them). Its
// entries are the oldest, so node B's first three connections push them out and stay open; the
// fourth closes B's own oldest.
TEST(WsRegistry, ADeadNodesEntriesNeverCostALiveConnection) {
  const std::string prefix = fresh_prefix();
  auto a = std::make_unique<Node>("node-a", prefix);
  Node b("node-b", prefix);
  std::vector<std::string> dead;
  for (int i = 0; i < 3; ++i) {
    const auto id = a->hub.attach(7, std::make_shared<ClosablePeer>());
    dead.push_back(a->hub.registry_name(id));
  }
  ASSERT_TRUE(eventually([&] { return registered(b.client, prefix, 7, dead.back()); }));
  a.reset();  // dies: no detach reaches the registry
  std::vector<std::shared_ptr<ClosablePeer>> peers;
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) {
    peers.push_back(std::make_shared<ClosablePeer>());
    names.push_back(b.hub.registry_name(b.hub.attach(7, peers.back())));
    ASSERT_TRUE(eventually([&] { return registered(b.client, prefix, 7, names.back()); }));
  }
  ASSERT_TRUE(eventually([&] { return peers[0]->code == kCloseReplaced; }));
  for (int i = 1; i < 4; ++i) EXPECT_EQ(peers[static_cast<size_t>(i)]->code, 0);
  EXPECT_EQ(b.hub.connections_of(7), 3u);
  for (const auto& n : dead) EXPECT_FALSE(registered(b.client, prefix, 7, n));
  const auto members = b.client.command({"ZCARD", prefix + "conns:7"});
  EXPECT_EQ(members.integer, 3);
  const auto ttl = b.client.command({"TTL", prefix + "conns:7"});
  EXPECT_GT(ttl.integer, 0);  // forgotten a day after the last connection, whatever happens
  EXPECT_LE(ttl.integer, 86400);
}

// Redis is unreachable: the limit still holds on each node by itself.
TEST(WsRegistry, WithoutRedisTheLimitHoldsPerNode) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Client client(redis::parse_url(server->url()), fast());
  ASSERT_TRUE(client.wait_up(10s));
  RedisConnectionRegistry registry(client, "down:");
  ManualClock clock(0);
  Hub hub(clock, nullptr, HubOptions{3, 32, "node-a"});
  hub.use_registry(registry);
  server.reset();  // gone
  ASSERT_TRUE(eventually([&] { return !client.up(); }));
  std::vector<std::shared_ptr<ClosablePeer>> peers;
  for (int i = 0; i < 4; ++i) {
    peers.push_back(std::make_shared<ClosablePeer>());
    hub.attach(9, peers.back());
  }
  EXPECT_EQ(peers[0]->code, kCloseReplaced);
  EXPECT_EQ(hub.connections_of(9), 3u);
}

}  // namespace
}  // namespace lucas::realtime
