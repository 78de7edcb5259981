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

TEST(WsTwoNodes, AnEventOnNodeAReachesAWebSocketClientOnNodeB) {
  Config config;
  config.database_url = testing::PostgresServer::shared().create_database();
  config.redis_url = testing::RedisServer::shared().url();
  config.http_rate_limit_per_minute = 0;
  config.node_id = "node-a";
  ServingNode a(config);
  config.node_id = "node-b";
  ServingNode b(config);

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

}  // namespace
}  // namespace lucas
