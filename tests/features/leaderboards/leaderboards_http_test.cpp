// The REST face through the router (no sockets): the boards list, a board's top with exact money
// strings, the viewer's line and change indicators, finished periods from the archive, the
// rendered-JSON cache (re-rendered on a change, and after max_age for changes made by other
// nodes), and clear errors for bad input — on both engines.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/money.h"
#include "features/leaderboards/leaderboards_http.h"
#include "tests/features/leaderboards/lb_fixture.h"

namespace lucas::leaderboards {
namespace {

using namespace testing;
using nlohmann::json;

class HttpTest : public ::testing::TestWithParam<Param> {
 protected:
  HttpTest() : w(GetParam().engine, GetParam().index) {
    register_http(router, w.service, w.clock, 5 * kSec);
  }
  http::Response get(const std::string& path, std::map<std::string, std::string> query = {},
                     int64_t auth_user = 0) {
    http::Request req;
    req.auth_user_id = auth_user;
    req.method = "GET";
    req.path = path;
    req.target = path;
    req.query = std::move(query);
    return router.dispatch(req, w.clock);
  }
  json get_json(const std::string& path, std::map<std::string, std::string> query = {},
                int status = 200) {
    const auto r = get(path, std::move(query));
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }
  LbWorld w;
  http::Router router;
};

TEST_P(HttpTest, ListsTheBoards) {
  const json j = get_json("/api/v1/leaderboards");
  ASSERT_EQ(j.at("boards").size(), 1u);
  const json& b = j.at("boards").at(0);
  EXPECT_EQ(b.at("name"), "coins");
  EXPECT_EQ(b.at("score"), json({{"kind", "money"}, {"currency", "COIN"}}));
  EXPECT_EQ(b.at("periods"), json({"daily", "weekly", "monthly", "all_time"}));
  EXPECT_FALSE(b.at("description").get<std::string>().empty());
}

TEST_P(HttpTest, ShowsTheTopTheViewerAndTheChange) {
  w.names = {{1, "Алиса"}, {2, "Bob"}};
  w.clock.set(at("2026-12-03T12:00:00Z"));
  w.win(1, 1234);
  w.win(2, 99);
  w.outbox.drain();
  w.clock.set(at("2026-12-04T00:00:00Z"));
  w.service.rollover();
  w.clock.set(at("2026-12-04T10:00:00Z"));
  w.win(2, 5000);
  w.win(1, 10);
  w.win(3, 7);
  w.outbox.drain();

  json j = get_json("/api/v1/leaderboards/coins", {{"period", "day"}, {"user_id", "3"}});
  EXPECT_EQ(j.at("board"), "coins");
  EXPECT_EQ(j.at("period"), "daily");
  EXPECT_EQ(j.at("period_id"), "2026-12-04");
  EXPECT_EQ(j.at("starts_at"), "2026-12-04T00:00:00Z");
  EXPECT_EQ(j.at("ends_at"), "2026-12-05T00:00:00Z");
  EXPECT_EQ(j.at("previous_period_id"), "2026-12-03");
  EXPECT_EQ(j.at("archived"), false);
  EXPECT_EQ(j.at("total"), 3);
  ASSERT_EQ(j.at("entries").size(), 3u);
  const json& first = j.at("entries").at(0);
  EXPECT_EQ(first.at("rank"), 1);
  EXPECT_EQ(first.at("user_id"), 2);
  EXPECT_EQ(first.at("name"), "Bob");
  EXPECT_EQ(first.at("score"), json({{"currency", "COIN"}, {"amount", "50.00"}}));
  EXPECT_EQ(first.at("previous_rank"), 2);
  EXPECT_EQ(first.at("rank_change"), 1);
  EXPECT_EQ(first.at("change"), "up");
  const json& second = j.at("entries").at(1);
  EXPECT_EQ(second.at("name"), "Алиса");
  EXPECT_EQ(second.at("score").at("amount"), "0.10");
  EXPECT_EQ(second.at("change"), "down");
  EXPECT_EQ(second.at("rank_change"), -1);
  EXPECT_EQ(j.at("entries").at(2).at("change"), "new");
  EXPECT_TRUE(j.at("entries").at(2).at("previous_rank").is_null());
  EXPECT_EQ(j.at("me").at("rank"), 3);
  EXPECT_EQ(j.at("me").at("user_id"), 3);
  EXPECT_EQ(j.at("me").at("score").at("amount"), "0.07");
  // Without user_id, the line is the authenticated user's.
  j = json::parse(get("/api/v1/leaderboards/coins", {{"period", "daily"}}, 2).body);
  EXPECT_EQ(j.at("me").at("user_id"), 2);
  EXPECT_EQ(j.at("me").at("rank"), 1);

  // Defaults: all-time, top 100, no viewer. A viewer with no score has no rank.
  j = get_json("/api/v1/leaderboards/coins");
  EXPECT_EQ(j.at("period"), "all_time");
  EXPECT_EQ(j.at("period_id"), "all");
  EXPECT_TRUE(j.at("starts_at").is_null());
  EXPECT_TRUE(j.at("ends_at").is_null());
  EXPECT_EQ(j.at("previous_period_id"), "all@2026-12-03");
  EXPECT_EQ(j.at("entries").at(0).at("score").at("amount"), "50.99");
  EXPECT_TRUE(j.at("me").is_null());
  j = get_json("/api/v1/leaderboards/coins",
               {{"period", "week"}, {"user_id", "42"}, {"limit", "1"}});
  EXPECT_EQ(j.at("entries").size(), 1u);
  EXPECT_TRUE(j.at("me").at("rank").is_null());
  EXPECT_EQ(j.at("me").at("change"), "none");
  EXPECT_EQ(j.at("me").at("score").at("amount"), "0.00");

  // A finished period comes from its archive.
  j = get_json("/api/v1/leaderboards/coins", {{"period", "daily"}, {"period_id", "2026-12-03"}});
  EXPECT_EQ(j.at("archived"), true);
  EXPECT_EQ(j.at("entries").at(0).at("user_id"), 1);
  EXPECT_EQ(j.at("entries").at(0).at("score").at("amount"), "12.34");
  EXPECT_EQ(j.at("previous_period_id"), "2026-12-02");
  j = get_json("/api/v1/leaderboards/coins", {{"period", "all"}, {"period_id", "all@2026-12-03"}});
  EXPECT_EQ(j.at("archived"), true);
  EXPECT_EQ(j.at("ends_at"), "2026-12-04T00:00:00Z");
  EXPECT_EQ(j.at("entries").size(), 2u);
  // A snapshot names its players like every other view.
  for (const auto& e : j.at("entries")) EXPECT_FALSE(e.at("name").get<std::string>().empty()) << e;
}

TEST_P(HttpTest, RendersAgainOnlyWhenTheBoardChanges) {
  w.win(1, 100);
  w.outbox.drain();
  const std::string a = get("/api/v1/leaderboards/coins", {{"period", "daily"}}).body;
  EXPECT_EQ(get("/api/v1/leaderboards/coins", {{"period", "daily"}}).body, a);
  // A change on this node shows at once.
  w.win(1, 50);
  w.outbox.drain();
  const std::string b = get("/api/v1/leaderboards/coins", {{"period", "daily"}}).body;
  EXPECT_NE(b, a);
  EXPECT_NE(b.find("\"1.50\""), std::string::npos);
  // A change made elsewhere (another node writing the shared index) shows after max_age.
  w.index->set(LeaderboardService::index_key("coins", window_at(Period::kDaily, w.clock.now())),
               LeaderboardService::member_of(9), 777);
  EXPECT_EQ(get("/api/v1/leaderboards/coins", {{"period", "daily"}}).body, b);
  w.clock.advance(5 * kSec);
  const std::string c = get("/api/v1/leaderboards/coins", {{"period", "daily"}}).body;
  EXPECT_NE(c.find("\"7.77\""), std::string::npos);
  // The viewer's line is never cached.
  w.win(2, 1);
  w.outbox.drain();
  w.index->set(LeaderboardService::index_key("coins", window_at(Period::kDaily, w.clock.now())),
               LeaderboardService::member_of(2), 123);
  const json me = get_json("/api/v1/leaderboards/coins", {{"period", "daily"}, {"user_id", "2"}});
  EXPECT_EQ(me.at("me").at("score").at("amount"), "1.23");
  // A new day is a new board, whatever the cache holds.
  w.clock.set(at("2026-12-05T00:00:00Z"));
  const json next = get_json("/api/v1/leaderboards/coins", {{"period", "daily"}});
  EXPECT_EQ(next.at("period_id"), "2026-12-05");
  EXPECT_TRUE(next.at("entries").empty());
}

// Readers racing with changes: every answer is a whole, ordered board, and once the changes are
// in, the next answer has them.
TEST_P(HttpTest, ConcurrentReadersDuringChangesGetWholeBoards) {
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, answers{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        const auto r = get("/api/v1/leaderboards/coins", {{"period", "daily"}, {"user_id", "1"}});
        const json j = json::parse(r.body, nullptr, false);
        if (r.status != 200 || j.is_discarded() || !j.at("me").is_object()) ++bad;
        int64_t last = INT64_MAX, rank = 0;
        for (const auto& e : j.value("entries", json::array())) {
          const int64_t sc = parse_amount(e.at("score").at("amount").get<std::string>(), 2);
          if (sc > last || e.at("rank") != ++rank) ++bad;
          last = sc;
        }
        ++answers;
      }
    });
  }
  for (int i = 0; i < 60; ++i) {
    w.win(1 + i % 6, 10 + i);
    w.outbox.drain();
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(answers, 0);
  const json j = get_json("/api/v1/leaderboards/coins", {{"period", "daily"}});
  std::map<int64_t, int64_t> shown;
  for (const auto& e : j.at("entries")) {
    shown[e.at("user_id").get<int64_t>()] =
        parse_amount(e.at("score").at("amount").get<std::string>(), 2);
  }
  EXPECT_EQ(shown, w.board(Period::kDaily));
  EXPECT_EQ(shown.size(), 6u);
}

TEST_P(HttpTest, BadInputGetsAClearError) {
  struct Case {
    std::string path;
    std::map<std::string, std::string> query;
    int status;
    std::string code;
  };
  const std::vector<Case> cases{
      {"/api/v1/leaderboards/nope", {}, 404, "NOT_FOUND"},
      {"/api/v1/leaderboards/coins", {{"period", "year"}}, 400, "INVALID_ARGUMENT"},
      {"/api/v1/leaderboards/coins", {{"limit", "0"}}, 400, "INVALID_ARGUMENT"},
      {"/api/v1/leaderboards/coins", {{"limit", "101"}}, 400, "INVALID_ARGUMENT"},
      {"/api/v1/leaderboards/coins", {{"limit", "ten"}}, 400, "INVALID_ARGUMENT"},
      {"/api/v1/leaderboards/coins", {{"user_id", "-5"}}, 400, "INVALID_ARGUMENT"},
      {"/api/v1/leaderboards/coins", {{"user_id", "12x"}}, 400, "INVALID_ARGUMENT"},
      {"/api/v1/leaderboards/coins",
       {{"period", "daily"}, {"period_id", "2020-01-01"}},
       404,
       "NOT_FOUND"},
      {"/api/v1/leaderboards/coins",
       {{"period", "daily"}, {"period_id", std::string(65, 'x')}},
       400,
       "INVALID_ARGUMENT"},
  };
  for (const auto& c : cases) {
    const json j = get_json(c.path, c.query, c.status);
    EXPECT_EQ(j.at("error_code"), c.code) << c.path;
    EXPECT_FALSE(j.at("message").get<std::string>().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Boards, HttpTest, ::testing::ValuesIn(all_params()), param_name);

}  // namespace
}  // namespace lucas::leaderboards
