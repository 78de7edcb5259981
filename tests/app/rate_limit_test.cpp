// The REST API's rate limit as `lucas serve` wires it (app::App's router guard): authenticated
// requests are limited per user — all of a user's tokens and API clients share one budget, from
// any address — anonymous ones per IP address; probes are never limited.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/app.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {

constexpr int kLimit = 3;

struct Api {
  explicit Api(const std::string& dir) : app(config(dir)) {
    app.migrate();
    app.users->upsert(users::UserUpdate{101, "alice", "Alice", "ru"});
    app.users->upsert(users::UserUpdate{102, "bob", "Bob", "en"});
    app.register_routes(router);
  }
  static Config config(const std::string& dir) {
    Config c;
    c.data_dir = dir;
    c.http_rate_limit_per_minute = kLimit;
    return c;
  }
  http::Response get(const std::string& ip, const std::string& token = "",
                     const std::string& path = "/api/v1/users/101") {
    http::Request req;
    req.method = "GET";
    req.path = path;
    req.remote_addr = ip;
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    return router.dispatch(req, app.clock);
  }
  app::App app;
  http::Router router;
};

std::string header(const http::Response& r, const std::string& name) {
  const auto it = std::find_if(r.headers.begin(), r.headers.end(),
                               [&](const auto& h) { return h.first == name; });
  return it == r.headers.end() ? "" : it->second;
}

TEST(AppRateLimit, UsersShareOneBudgetAcrossTokensAndAddressesAnonymousOnesArePerAddress) {
  testing::TempDir dir;
  Api api(dir.path());
  const std::string console = api.app.auth->issue_console_token(101, 3600).token;
  const auto client =
      api.app.auth->create_client(users::Actor::console_operator(), 101, "alice's script");
  const std::string oauth =
      api.app.auth->issue_token(client.client.client_id, client.secret, "10.0.0.9").token;
  const std::string bob = api.app.auth->issue_console_token(102, 3600).token;

  // Anonymous: per address.
  for (int i = 0; i < kLimit; ++i) {
    const auto r = api.get("10.0.0.1");
    ASSERT_NE(r.status, 429) << i;
    EXPECT_EQ(header(r, "X-RateLimit-Remaining"), std::to_string(kLimit - 1 - i));
  }
  const auto refused = api.get("10.0.0.1");
  EXPECT_EQ(refused.status, 429);
  EXPECT_FALSE(header(refused, "Retry-After").empty());
  EXPECT_NE(api.get("10.0.0.2").status, 429);  // another address has its own budget

  // Alice from the exhausted address is not limited by it; her console token and her API
  // client draw on one budget, from whichever address.
  EXPECT_EQ(api.get("10.0.0.1", console).status, 200);
  EXPECT_EQ(api.get("10.0.0.5", oauth).status, 200);
  const auto last = api.get("10.0.0.6", console);
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(header(last, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(api.get("10.0.0.7", oauth).status, 429);
  EXPECT_EQ(api.get("10.0.0.8", console).status, 429);
  // Bob, from Alice's address, has his own.
  EXPECT_NE(api.get("10.0.0.6", bob).status, 429);
  // Probes are never limited.
  for (int i = 0; i < 2 * kLimit; ++i) EXPECT_EQ(api.get("10.0.0.1", "", "/healthz").status, 200);
}

// One IPv6 host holds a whole /64: its addresses share one anonymous budget (however written),
// another /64 has its own, and an IPv4-mapped address is its IPv4 address.
TEST(AppRateLimit, AnonymousIpv6ClientsAreLimitedByTheirSlash64) {
  testing::TempDir dir;
  Api api(dir.path());
  for (const char* ip : {"2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:1:ffff::abcd"}) {
    EXPECT_NE(api.get(ip).status, 429) << ip;
  }
  EXPECT_EQ(api.get("2001:0db8:0007:0001:1234:5678:9abc:def0").status, 429);
  EXPECT_NE(api.get("2001:db8:7:2::1").status, 429);
  for (int i = 0; i < kLimit; ++i) EXPECT_NE(api.get("::ffff:10.9.9.9").status, 429);
  EXPECT_EQ(api.get("10.9.9.9").status, 429);
}

}  // namespace
}  // namespace lucas
