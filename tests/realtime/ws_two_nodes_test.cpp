// Two nodes, as deployed: two complete apps (app::App, the composition root `lucas serve` uses)
// on one PostgreSQL and one Redis, each with its own HTTP/WebSocket server. A client connected to
// node B, with a token node A issued, receives what happens on node A: a ledger credit (its
// notification dispatched by whichever node claims the outbox row, carried by Redis pub/sub)
// and a topic broadcast.
#include <gtest/gtest.h>

#include "app/app.h"
#include "infra/http/server.h"
#include "tests/realtime/ws_client.h"
#include "tests/support/pg_harness.h"
#include "tests/support/redis_harness.h"

namespace lucas {
namespace {
using testing::WsClient;

struct ServingNode {
  ServingNode(const Config& c)
      : app(c),
        server(http::ServerOptions{"127.0.0.1", 0, 1, 2, 1 << 20, 15, 60, false}, router, app.clock,
               app.metrics) {
    app.migrate();
    app.start_background();
    app.register_routes(router);
    app.register_websocket(server);
    port = server.start();
  }
  ~ServingNode() {
    server.stop();
    app.stop_background();
  }
  app::App app;
  http::Router router;
  http::Server server;
  uint16_t port = 0;
};

// Node A and node B on a fresh database of the shared PostgreSQL and the shared Redis.
struct TwoNodes {
  static Config config(const std::string& database, const std::string& node) {
    Config c;
    c.database_url = database;
    c.redis_url = testing::RedisServer::shared().url();
    c.http_rate_limit_per_minute = 0;
    c.node_id = node;
    return c;
  }
  std::string database = testing::PostgresServer::shared().create_database();
  ServingNode a{config(database, "node-a")};
  ServingNode b{config(database, "node-b")};
};

TEST(WsTwoNodes, AnEventOnNodeAReachesAWebSocketClientOnNodeB) {
  TwoNodes nodes;
  auto& [database, a, b] = nodes;

  a.app.users->upsert(users::UserUpdate{101, "alice", "Alice", "en"});
  const auto token = a.app.notifications->issue_token(101, "test", "127.0.0.1").token;
  WsClient client(b.port);
  ASSERT_EQ(client.connect("/api/v1/ws?token=" + token), 101);
  ASSERT_EQ(client.next().value()["type"], "welcome");
  client.send(R"({"op":"subscribe","topic":"leaderboard.coins.daily"})");
  ASSERT_TRUE(client.until("subscribed"));

  a.app.users->adjust(0, "two-nodes-credit", 101, 1234, "COIN", "gift");
  const auto credit = client.until("money.credited", std::chrono::seconds(15));
  ASSERT_TRUE(credit.has_value()) << "the credit made on node A did not reach node B's client";
  EXPECT_EQ((*credit)["data"]["amount"]["amount"], "12.34");

  a.app.notifier->push_to_topic("leaderboard.coins.daily", "leaderboard.changed", {{"top", 1}});
  const auto topic = client.until("leaderboard.changed", std::chrono::seconds(15));
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ((*topic)["topic"], "leaderboard.coins.daily");
  // Exactly once, although both nodes run an outbox dispatcher and a hub.
  EXPECT_FALSE(client.until("money.credited", std::chrono::milliseconds(1500)).has_value());
}

// "At most 3 connections per user" holds for the platform: two on node A, then two on node B;
// the fourth closes the user's oldest, on A, with 4001, and the other three stay open.
TEST(WsTwoNodes, TheConnectionLimitCountsBothNodes) {
  TwoNodes nodes;
  auto& [database, a, b] = nodes;
  a.app.users->upsert(users::UserUpdate{202, "bob", "Bob", "ru"});
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 4; ++i) {
    const auto token = a.app.notifications->issue_token(202, "test", "127.0.0.1").token;
    clients.push_back(std::make_unique<WsClient>(i < 2 ? a.port : b.port));
    ASSERT_EQ(clients.back()->connect("/api/v1/ws?token=" + token), 101);
    ASSERT_EQ(clients.back()->next().value()["type"], "welcome");
  }
  // The oldest is closed: its next read ends with the close frame.
  EXPECT_FALSE(clients[0]->next(std::chrono::seconds(15)).has_value());
  EXPECT_EQ(clients[0]->stream().reason().code, realtime::kCloseReplaced);
  EXPECT_EQ(a.app.hub->connections_of(202) + b.app.hub->connections_of(202), 3u);
  for (size_t i = 1; i < 4; ++i) {
    clients[i]->send(R"({"op":"ping"})");
    const auto pong = clients[i]->until("pong");
    EXPECT_TRUE(pong.has_value()) << "connection " << i << " should still be open";
  }
}

}  // namespace
}  // namespace lucas
