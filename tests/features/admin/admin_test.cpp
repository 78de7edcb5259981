// The admin audit API on SQLite and PostgreSQL: admins only (checked in the service), search by
// actor, action and time with paging, JSONL and CSV export, verify — each use itself audited.
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/admin/admin.h"
#include "features/admin/admin_http.h"
#include "features/parser/parser.h"
#include "tests/support/databases.h"

namespace lucas::admin {
namespace {

struct World {
  explicit World(store::Engine e)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        service(*t.db, users, log, outbox) {
    store::migrate(
        *t.db,
        {events::migrations(), audit::migrations(), ledger::migrations(), users::migrations()},
        clock);
    log.follow_ledger(outbox, *t.db);
    users.upsert({1, "boss", "Boss", "ru"});
    users.upsert({2, "pat", "Pat", "en"});
    clock.advance(1'000'000);
    users.set_role(0, 1, users::Role::kAdmin);  // audited
    for (int i = 0; i < 5; ++i) {
      clock.advance(60'000'000);
      users.adjust(1, "g" + std::to_string(i), 2, 100 + i, ledger::kCoin, "gift");
    }
    outbox.drain();
    router.set_authenticator([](http::Request& req) {
      // Stands in for the bearer check: the header names the acting user.
      const std::string who = req.header("x-test-user");
      if (!who.empty()) req.auth_user_id = std::stoll(who);
    });
    register_http(router, service);
  }
  http::Response get(const std::string& path, std::map<std::string, std::string> query,
                     int64_t user) {
    http::Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::move(query);
    if (user) req.headers["x-test-user"] = std::to_string(user);
    req.remote_addr = "10.1.1.1";
    return router.dispatch(req, clock);
  }
  http::Response post(const std::string& path, int64_t user) {
    http::Request req;
    req.method = "POST";
    req.path = path;
    if (user) req.headers["x-test-user"] = std::to_string(user);
    req.remote_addr = "10.1.1.2";
    return router.dispatch(req, clock);
  }
  lucas::testing::TestDatabase t;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  AdminService service;
  http::Router router;
};

class AdminAuditTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(AdminAuditTest, OnlyAdminsSearchAndEverySearchIsAudited) {
  World w(GetParam());
  EXPECT_EQ(w.get("/api/v1/admin/audit", {}, 0).status, 401);
  EXPECT_EQ(w.get("/api/v1/admin/audit", {}, 2).status, 403);
  EXPECT_THROW(w.service.search_audit(2, "", audit::Query{}), Error);

  auto r = w.get("/api/v1/admin/audit", {{"action", "admin.grant"}, {"limit", "2"}}, 1);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["action"], "admin.grant");
  ASSERT_TRUE(body["next_cursor"].is_string());
  r = w.get("/api/v1/admin/audit",
            {{"action", "admin.grant"}, {"limit", "2"}, {"cursor", body["next_cursor"]}}, 1);
  body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["items"].size(), 2u);
  EXPECT_GT(body["items"][0]["seq"].get<int64_t>(), 0);

  // By actor and time range: the grants happened one a minute from 00:00:01 + 60 s.
  r = w.get("/api/v1/admin/audit",
            {{"actor", "1"},
             {"action", "admin.grant"},
             {"since", "2026-01-01T00:02:00Z"},
             {"until", "2026-01-01T00:04:00Z"}},
            1);
  body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["items"].size(), 2u) << r.body;

  // Searches are audited with who, from where and what they asked.
  const auto searches = w.t.db->read([&](store::Tx& tx) {
    audit::Query q;
    q.action = "admin.audit_search";
    return w.log.search(tx, q);
  });
  ASSERT_EQ(searches.size(), 3u);
  EXPECT_EQ(searches[0].actor, 1);
  EXPECT_EQ(searches[0].ip, "10.1.1.1");
  EXPECT_EQ(searches[0].details["query"]["action"], "admin.grant");
}

TEST_P(AdminAuditTest, ExportsCsvAndJsonlAndRefusesBadQueries) {
  World w(GetParam());
  auto r = w.get("/api/v1/admin/audit", {{"format", "csv"}, {"action", "admin."}}, 1);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/csv", 0), 0u);
  EXPECT_EQ(r.body.rfind(audit::csv_header(), 0), 0u);
  EXPECT_NE(r.body.find("admin.set_role"), std::string::npos);
  r = w.get("/api/v1/admin/audit", {{"format", "jsonl"}, {"action", "admin.grant"}}, 1);
  ASSERT_EQ(r.status, 200);
  int lines = 0;
  for (char c : r.body) lines += c == '\n';
  EXPECT_EQ(lines, 5);
  EXPECT_EQ(w.get("/api/v1/admin/audit", {{"since", "yesterday"}}, 1).status, 400);
  EXPECT_EQ(w.get("/api/v1/admin/audit", {{"limit", "0"}}, 1).status, 400);
  EXPECT_EQ(w.get("/api/v1/admin/audit", {{"limit", "x"}}, 1).status, 400);
  EXPECT_EQ(w.get("/api/v1/admin/audit", {{"format", "xml"}}, 1).status, 400);
}

TEST_P(AdminAuditTest, VerifyNamesATamperedEntry) {
  World w(GetParam());
  auto r = w.get("/api/v1/admin/audit/verify", {}, 1);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(r.body)["ok"].get<bool>());
  EXPECT_EQ(w.get("/api/v1/admin/audit/verify", {}, 2).status, 403);
  w.t.db->transact([](store::Tx& tx) {
    tx.exec("UPDATE audit_log SET details = '{\"amount\":1000000}' WHERE seq = 3");
  });
  r = w.get("/api/v1/admin/audit/verify", {}, 1);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_FALSE(body["ok"].get<bool>());
  EXPECT_EQ(body["first_bad_seq"], 3);
}

// An event whose subscriber kept failing is given up; admins (only) see it with its error and,
// once the cause is fixed, retry it — it is then dispatched once; both uses are audited.
TEST_P(AdminAuditTest, AdminsListAndRetryGivenUpEvents) {
  World w(GetParam());
  bool broken = true;
  int calls = 0;
  w.outbox.subscribe("test.flaky", [&](const events::Event&) {
    ++calls;
    if (broken) throw std::runtime_error("the scores table is locked");
  });
  w.t.db->transact([&](store::Tx& tx) { w.outbox.publish(tx, "test.flaky", {{"n", 1}}); });
  for (int i = 0; i < 12; ++i) {
    w.outbox.drain();
    w.clock.advance(301'000'000);  // beyond the longest backoff
  }
  EXPECT_EQ(calls, 10);  // the default max_attempts, then given up

  EXPECT_EQ(w.get("/api/v1/admin/outbox/given-up", {}, 0).status, 401);
  EXPECT_EQ(w.get("/api/v1/admin/outbox/given-up", {}, 2).status, 403);
  EXPECT_EQ(w.get("/api/v1/admin/outbox/given-up", {{"limit", "0"}}, 1).status, 400);
  auto r = w.get("/api/v1/admin/outbox/given-up", {}, 1);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  ASSERT_EQ(body["items"].size(), 1u);
  const auto item = body["items"][0];
  EXPECT_EQ(item["topic"], "test.flaky");
  EXPECT_EQ(item["payload"]["n"], 1);
  EXPECT_EQ(item["attempts"], 10);
  EXPECT_EQ(item["last_error"], "the scores table is locked");
  EXPECT_TRUE(body["next_cursor"].is_null());
  const std::string id = std::to_string(item["id"].get<int64_t>());

  EXPECT_EQ(w.post("/api/v1/admin/outbox/given-up/" + id + "/retry", 2).status, 403);
  EXPECT_EQ(w.post("/api/v1/admin/outbox/given-up/999999/retry", 1).status, 404);
  EXPECT_EQ(w.outbox.given_up_count(), 1);
  broken = false;
  r = w.post("/api/v1/admin/outbox/given-up/" + id + "/retry", 1);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["retried"], 1);
  EXPECT_EQ(w.outbox.drain(), 1);
  EXPECT_EQ(calls, 11);
  body = nlohmann::json::parse(w.get("/api/v1/admin/outbox/given-up", {}, 1).body);
  EXPECT_TRUE(body["items"].empty());
  r = w.post("/api/v1/admin/outbox/given-up/retry", 1);  // nothing left: retries none
  EXPECT_EQ(nlohmann::json::parse(r.body)["retried"], 0);

  const auto entries = w.t.db->read([&](store::Tx& tx) {
    audit::Query q;
    q.action = "admin.outbox_";
    return w.log.search(tx, q);
  });
  ASSERT_EQ(entries.size(), 4u);  // list, retry, list, retry all (refused uses change nothing)
  EXPECT_EQ(entries[0].action, "admin.outbox_list");
  EXPECT_EQ(entries[1].action, "admin.outbox_retry");
  EXPECT_EQ(entries[1].target, "event:" + id);
  EXPECT_EQ(entries[1].actor, 1);
  EXPECT_EQ(entries[1].ip, "10.1.1.2");
  EXPECT_EQ(entries[2].action, "admin.outbox_list");
  EXPECT_EQ(entries[3].target, "outbox");
  EXPECT_EQ(entries[3].details["retried"], 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, AdminAuditTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::admin
