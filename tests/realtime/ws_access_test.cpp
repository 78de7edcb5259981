// Who may keep a WebSocket open, over real sockets through the composition root (app::App): a
// banned user is refused at connect and their open connections are closed (4003); a demoted user's
// are closed (4004); connections opened with a token an API client obtained are closed when that
// client is revoked (4005), and its tokens no longer connect. Nobody else's connection is touched.
#include <gtest/gtest.h>

#include "app/app.h"
#include "infra/http/server.h"
#include "tests/realtime/ws_client.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {
using testing::WsClient;

struct Node {
  explicit Node(const std::string& dir)
      : app(config(dir)),
        server(http::ServerOptions{"127.0.0.1", 0, 1, 2, 1 << 20, 15, 60, false}, router, app.clock,
               app.metrics) {
    app.migrate();
    app.start_background();
    app.register_routes(router);
    app.register_websocket(server);
    port = server.start();
    app.users->upsert(users::UserUpdate{101, "alice", "Alice", "en"});
    app.users->upsert(users::UserUpdate{202, "bob", "Bob", "en"});
  }
  ~Node() {
    server.stop();
    app.stop_background();
  }
  static Config config(const std::string& dir) {
    Config c;
    c.data_dir = dir;
    c.http_rate_limit_per_minute = 0;
    c.parser_auto_train = false;
    return c;
  }
  std::string token(int64_t user) {
    return app.notifications->issue_token(user, "test", "127.0.0.1").token;
  }
  // A connected, welcomed client.
  std::unique_ptr<WsClient> open(const std::string& token) {
    auto c = std::make_unique<WsClient>(port);
    EXPECT_EQ(c->connect("/api/v1/ws?token=" + token), 101);
    EXPECT_EQ(c->next().value()["type"], "welcome");
    return c;
  }
  static bool still_open(WsClient& c) {
    c.send(R"({"op":"ping"})");
    return c.until("pong").has_value();
  }
  // The HTTP status and error code a WebSocket upgrade gets (101 when it is accepted).
  std::pair<int, std::string> upgrade(const std::string& token) {
    namespace bhttp = boost::beast::http;
    boost::asio::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/api/v1/ws?token=" + token, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::upgrade, "websocket");
    req.set(bhttp::field::connection, "Upgrade");
    req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(bhttp::field::sec_websocket_version, "13");
    stream.expires_after(std::chrono::seconds(10));
    bhttp::write(stream, req);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    const auto body = nlohmann::json::parse(res.body(), nullptr, false);
    return {res.result_int(),
            body.is_object() ? body.value("error_code", std::string()) : std::string()};
  }
  // The close code once the server closed the connection (0 if it did not).
  static int closed_with(WsClient& c) {
    if (c.next(std::chrono::seconds(10)).has_value()) return 0;
    return c.stream().reason().code;
  }
  app::App app;
  http::Router router;
  http::Server server;
  uint16_t port = 0;
};

TEST(WsAccess, ABannedUserIsRefusedAtConnectAndTheirConnectionsAreClosed) {
  testing::TempDir dir;
  Node node(dir.path());
  auto alice = node.open(node.token(101));
  auto bob = node.open(node.token(202));
  const std::string unused = node.token(101);  // issued before the ban

  node.app.users->ban(0, 101, "spam", std::nullopt);
  EXPECT_EQ(Node::closed_with(*alice), realtime::kCloseBanned);
  EXPECT_EQ(alice->stream().reason().reason, "banned");
  EXPECT_TRUE(Node::still_open(*bob));
  EXPECT_EQ(node.upgrade(unused), std::make_pair(403, std::string("USER_BANNED")));

  node.app.users->unban(0, 101);
  auto back = node.open(node.token(101));
  EXPECT_TRUE(Node::still_open(*back));
}

TEST(WsAccess, ADemotedUsersConnectionsAreClosedAPromotedOnesStay) {
  testing::TempDir dir;
  Node node(dir.path());
  node.app.users->set_role(0, 101, users::Role::kAdmin);
  auto alice = node.open(node.token(101));
  auto bob = node.open(node.token(202));
  node.app.users->set_role(0, 202, users::Role::kModerator);
  EXPECT_TRUE(Node::still_open(*bob));
  node.app.users->set_role(0, 101, users::Role::kUser);
  EXPECT_EQ(Node::closed_with(*alice), realtime::kCloseRoleChanged);
  EXPECT_TRUE(Node::still_open(*bob));
}

TEST(WsAccess, RevokingAnApiClientClosesTheConnectionsItsTokensOpened) {
  testing::TempDir dir;
  Node node(dir.path());
  const auto client = node.app.auth->create_client(users::Actor::console_operator(), 101,
                                                   "alice's app", std::vector<std::string>{"ws"});
  const auto bearer =
      node.app.auth->issue_token(client.client.client_id, client.secret, "127.0.0.1").token;
  const auto ws_token = [&] {
    http::Request req;
    req.method = "POST";
    req.path = "/api/v1/ws/token";
    req.remote_addr = "127.0.0.1";
    req.headers["authorization"] = "Bearer " + bearer;
    const auto r = node.router.dispatch(req, node.app.clock);
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["token"].get<std::string>();
  };
  auto via_app = node.open(ws_token());
  const std::string unused = ws_token();
  auto via_bot = node.open(node.token(101));  // the same user, another way in

  node.app.auth->revoke_client(users::Actor::user(101, users::Role::kUser),
                               client.client.client_id);
  EXPECT_EQ(Node::closed_with(*via_app), realtime::kCloseRevoked);
  EXPECT_TRUE(Node::still_open(*via_bot));
  EXPECT_EQ(node.upgrade(unused), std::make_pair(401, std::string("UNAUTHORIZED")));
}

}  // namespace
}  // namespace lucas
