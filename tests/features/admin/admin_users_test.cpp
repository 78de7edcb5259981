// The admin panel's user tools on SQLite and PostgreSQL: search (id, @username, part of a name,
// Cyrillic in any case, paged), a user's page as each role may read it, and the REST faces of
// search, the page, balance adjustments (Idempotency-Key) and roles — authorization in the
// services.
#include <set>

#include "tests/features/admin/user_tools_world.h"

namespace lucas::admin {
namespace {

using testing::kAdmin;
using testing::kAdmin2;
using testing::kAlice;
using testing::kAlik;
using testing::kMallory;
using testing::kModerator;
using testing::kOwner;
using testing::ToolsWorld;

std::vector<int64_t> ids(const users::UserPage& p) {
  std::vector<int64_t> out;
  for (const auto& u : p.items) out.push_back(u.telegram_id);
  return out;
}

class AdminUsersTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  AdminUsersTest() : w(GetParam()) {}
  users::UserPage find(const std::string& q, int limit = 20,
                       std::optional<std::string> cursor = std::nullopt, int64_t who = kAdmin) {
    return w.users.search(w.actor(who), {q, limit, std::move(cursor)});
  }
  ToolsWorld w;
};

TEST_P(AdminUsersTest, SearchFindsByIdUsernameAndNameInAnyCase) {
  // Cyrillic in another case: the names' normalised keys match ("АЛИСА" is exactly "алиса").
  EXPECT_EQ(ids(find("алиса")), (std::vector<int64_t>{kAlik, kAlice}));
  EXPECT_EQ(ids(find("АлИсА")), (std::vector<int64_t>{kAlik, kAlice}));
  EXPECT_EQ(ids(find("петров")), (std::vector<int64_t>{kAlice}));  // part of the name
  EXPECT_EQ(ids(find("  Петрова ")), (std::vector<int64_t>{kAlice}));
  // @username: the whole name first, then those that start with it.
  EXPECT_EQ(ids(find("@ALIK")), (std::vector<int64_t>{kAlik}));
  EXPECT_EQ(ids(find("@ali")), (std::vector<int64_t>{kAlice, kAlik}));
  EXPECT_EQ(ids(find("@mall")), (std::vector<int64_t>{kMallory}));
  EXPECT_TRUE(find("@петров").items.empty());  // '@' searches usernames only
  // An id is exact, and first.
  const auto by_id = find(std::to_string(kMallory));
  ASSERT_FALSE(by_id.items.empty());
  EXPECT_EQ(by_id.items[0].telegram_id, kMallory);
  EXPECT_EQ(by_id.items[0].username, "mallory");
  // LIKE's wildcards are literal text.
  EXPECT_TRUE(find("%").items.empty());
  EXPECT_TRUE(find("_").items.empty());
  EXPECT_TRUE(find("!").items.empty());
  EXPECT_TRUE(find("nobody at all").items.empty());
  // The ban shows in the results.
  w.users.ban(kAdmin, kMallory, "spam", std::nullopt);
  ASSERT_TRUE(find("mallory").items.at(0).ban.has_value());
}

TEST_P(AdminUsersTest, SearchPagesWithoutGapsOrRepeats) {
  for (int i = 0; i < 25; ++i) {
    w.users.upsert({5000 + i, "player" + std::to_string(i), "Игрок " + std::to_string(i), "ru"});
  }
  std::set<int64_t> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    const auto page = find("ИГРОК", 10, cursor);
    ++pages;
    for (const auto& u : page.items) EXPECT_TRUE(seen.insert(u.telegram_id).second);
    EXPECT_LE(page.items.size(), 10u);
    cursor = page.next_cursor;
  } while (cursor && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 25u);
  // Ranked pages too: an exact match on page 1, the rest after it.
  const auto first = find("@player1", 2);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].telegram_id, 5001);  // @player1 exactly
  ASSERT_TRUE(first.next_cursor);
  const auto second = find("@player1", 100, first.next_cursor);
  // player10..player19 start with it: 10 in all, one already on page 1.
  EXPECT_EQ(second.items.size() + first.items.size(), 11u);
  EXPECT_FALSE(second.next_cursor);
}

TEST_P(AdminUsersTest, OnlyStaffSearchAndBadQueriesAreRefused) {
  EXPECT_EQ(find("alice", 20, std::nullopt, kModerator).items.size(), 1u);  // moderators may
  EXPECT_EQ(find("alice", 20, std::nullopt, kOwner).items.size(), 1u);
  EXPECT_EQ(w.code_of([&] { find("alice", 20, std::nullopt, kAlice); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] {
    w.users.search(users::Actor::anonymous(), {"alice", 20, {}});
  }),
            ErrorCode::kUnauthorized);
  auto scoped = w.actor(kAdmin);
  scoped.scopes = std::vector<std::string>{"profile:read"};
  EXPECT_EQ(w.code_of([&] {
    w.users.search(scoped, {"alice", 20, {}});
  }),
            ErrorCode::kInsufficientScope);
  for (int limit : {0, 101}) {
    EXPECT_EQ(w.code_of([&] { find("alice", limit); }), ErrorCode::kInvalidArgument) << limit;
  }
  for (const char* q : {"", "   ", "@"}) {
    EXPECT_EQ(w.code_of([&] { find(q); }), ErrorCode::kInvalidArgument) << q;
  }
  EXPECT_EQ(w.code_of([&] { find(std::string(65, 'a')); }), ErrorCode::kInvalidArgument);
  for (const char* c : {"x", "1", "1:", ":1", "99:1", "1:-5", "1:2:3"}) {
    EXPECT_EQ(w.code_of([&] { find("alice", 20, c); }), ErrorCode::kInvalidArgument) << c;
  }
}

TEST_P(AdminUsersTest, TheUserPageShowsWhatEachRoleMayRead) {
  w.bank.claim_link(kAlice, kAlice, "shmalala", "Алиса");
  w.users.adjust(0, "seed", kAlice, 500, ledger::kCoin, "seed");
  w.users.adjust_balance(w.actor(kAdmin), "k1", kAlice, "12.50", ledger::kCoin, "турнир",
                         "1.2.3.4");
  const auto o = w.desk.overview(w.actor(kAdmin), kAlice, "10.0.0.1");
  EXPECT_EQ(o.user.username, "alice");
  ASSERT_TRUE(o.balances);
  ASSERT_EQ(o.balances->size(), 1u);
  EXPECT_EQ(o.balances->at(0).amount, 1750);
  ASSERT_TRUE(o.links);
  EXPECT_EQ(o.links->claims.size(), 1u);
  ASSERT_TRUE(o.sessions);
  EXPECT_TRUE(o.sessions->empty());
  ASSERT_TRUE(o.audit);
  ASSERT_GE(o.audit->size(), 1u);
  EXPECT_EQ(o.audit->at(0).action, "admin.grant");  // newest first
  EXPECT_EQ(o.audit->at(0).target, "user:101");
  EXPECT_EQ(o.audit->at(0).ip, "1.2.3.4");
  for (const auto& e : *o.audit) {
    EXPECT_TRUE(e.actor == kAlice || e.target == "user:101") << audit::to_json(e).dump();
  }
  EXPECT_TRUE(o.may_adjust);
  EXPECT_TRUE(o.may_ban);
  EXPECT_EQ(o.roles, (std::vector<users::Role>{users::Role::kUser, users::Role::kModerator}));
  // Reading the trail is audited.
  EXPECT_EQ(w.audit_of("admin.audit_search").back().details["query"]["subject"], kAlice);

  // A moderator: the record and the nicknames; no money, sessions or audit; no actions.
  const auto m = w.desk.overview(w.actor(kModerator), kAlice, "");
  EXPECT_EQ(m.user.username, "alice");
  EXPECT_FALSE(m.balances);
  EXPECT_TRUE(m.links);
  EXPECT_FALSE(m.sessions);
  EXPECT_FALSE(m.audit);
  EXPECT_FALSE(m.may_adjust);
  EXPECT_FALSE(m.may_ban);
  // An admin on another admin: nothing but the record.
  const auto a = w.desk.overview(w.actor(kAdmin), kAdmin2, "");
  EXPECT_FALSE(a.balances);
  EXPECT_FALSE(a.may_adjust);
  EXPECT_FALSE(a.may_ban);
  EXPECT_TRUE(a.roles.empty());
  // On oneself: no adjustment.
  EXPECT_FALSE(w.desk.overview(w.actor(kAdmin), kAdmin, "").may_adjust);
  // A plain user gets nothing; an unknown user is NOT_FOUND.
  EXPECT_EQ(w.code_of([&] { w.desk.overview(w.actor(kAlik), kAlice, ""); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.desk.overview(w.actor(kAdmin), 999, ""); }), ErrorCode::kNotFound);
}

TEST_P(AdminUsersTest, RestSearchAndUserPage) {
  auto r = w.call("GET", "/api/v1/admin/users", kModerator, "", {}, {{"q", "алиса"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["id"], kAlik);
  EXPECT_TRUE(body["next_cursor"].is_null());
  EXPECT_EQ(w.call("GET", "/api/v1/admin/users", kAlice, "", {}, {{"q", "a"}}).status, 403);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/users", 0, "", {}, {{"q", "a"}}).status, 401);
  EXPECT_EQ(
      w.call("GET", "/api/v1/admin/users", kAdmin, "", {}, {{"q", "a"}, {"limit", "0"}}).status,
      400);

  r = w.call("GET", "/api/v1/admin/users/101", kAdmin);
  ASSERT_EQ(r.status, 200) << r.body;
  body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["user"]["username"], "alice");
  EXPECT_EQ(body["balances"][0], (nlohmann::json{{"currency", "COIN"}, {"amount", "0.00"}}));
  EXPECT_EQ(body["sessions"]["count"], 0);
  EXPECT_TRUE(body["audit"].is_array());
  EXPECT_EQ(body["may"]["adjust"], true);
  EXPECT_EQ(body["may"]["roles"], (nlohmann::json{"user", "moderator"}));
  r = w.call("GET", "/api/v1/admin/users/101", kModerator);
  ASSERT_EQ(r.status, 200) << r.body;
  body = nlohmann::json::parse(r.body);
  EXPECT_TRUE(body["balances"].is_null());
  EXPECT_TRUE(body["audit"].is_null());
  EXPECT_TRUE(body["sessions"].is_null());
  EXPECT_TRUE(body["links"].is_object());
  EXPECT_EQ(body["may"]["adjust"], false);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/users/101", kAlik).status, 403);
}

TEST_P(AdminUsersTest, RestAdjustIsIdempotentByKeyAndRefusesWhomItMust) {
  const auto adjust = [&](int64_t who, const std::string& key, const nlohmann::json& body,
                          int64_t target = kAlice) {
    std::map<std::string, std::string> h;
    if (!key.empty()) h["idempotency-key"] = key;
    return w.call("POST", "/api/v1/admin/users/" + std::to_string(target) + "/adjust", who,
                  body.dump(), h);
  };
  const nlohmann::json grant{{"amount", "12.50"}, {"reason", "за турнир"}};
  auto r = adjust(kAdmin, "key-1", grant);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto first = nlohmann::json::parse(r.body);
  EXPECT_EQ(first["replayed"], false);
  EXPECT_EQ(first["amount"], (nlohmann::json{{"currency", "COIN"}, {"amount", "12.50"}}));
  EXPECT_EQ(first["balance"]["amount"], "12.50");
  // The same request again: the same answer, nothing moves.
  r = adjust(kAdmin, "key-1", grant);
  ASSERT_EQ(r.status, 200) << r.body;
  auto again = nlohmann::json::parse(r.body);
  EXPECT_EQ(again["replayed"], true);
  again["replayed"] = false;
  EXPECT_EQ(again, first);
  EXPECT_EQ(w.coins(kAlice), 1250);
  // The same key with another body: refused, nothing moves.
  r = adjust(kAdmin, "key-1", {{"amount", "13.00"}, {"reason", "за турнир"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error_code"], "IDEMPOTENCY_CONFLICT");
  EXPECT_EQ(adjust(kAdmin, "key-1", {{"amount", "12.50"}, {"reason", "другое"}}).status, 409);
  EXPECT_EQ(w.coins(kAlice), 1250);
  // Another admin's same key is their own request.
  ASSERT_EQ(adjust(kAdmin2, "key-1", grant).status, 200);
  EXPECT_EQ(w.coins(kAlice), 2500);
  // A debit; never below zero.
  r = adjust(kAdmin, "key-2", {{"amount", "-5"}, {"currency", "COIN"}, {"reason", "штраф"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["balance"]["amount"], "20.00");
  r = adjust(kAdmin, "key-3", {{"amount", "-20.01"}, {"reason", "too much"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error_code"], "INSUFFICIENT_FUNDS");
  EXPECT_EQ(w.coins(kAlice), 2000);
  // The header and the body are required; who may is the service's.
  EXPECT_EQ(adjust(kAdmin, "", grant).status, 400);
  EXPECT_EQ(adjust(kAdmin, "has space", grant).status, 400);
  EXPECT_EQ(adjust(kAdmin, "key-4", {{"amount", "1"}}).status, 400);
  EXPECT_EQ(adjust(kAdmin, "key-4", {{"amount", 1}, {"reason", "x"}}).status, 400);
  EXPECT_EQ(adjust(kModerator, "key-5", grant).status, 403);
  EXPECT_EQ(adjust(kAlik, "key-6", grant).status, 403);
  EXPECT_EQ(adjust(kAdmin, "key-7", grant, kAdmin).status, 403);   // oneself
  EXPECT_EQ(adjust(kAdmin, "key-8", grant, kAdmin2).status, 403);  // not below
  EXPECT_EQ(adjust(kAdmin, "key-9", grant, 999).status, 404);
  EXPECT_EQ(w.coins(kAlice), 2000);
  EXPECT_EQ(w.coins(kAdmin), 0);
  EXPECT_EQ(w.coins(kAdmin2), 0);
  // Each real movement is audited once, with the address.
  const auto grants = w.audit_of("admin.grant");
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[0].ip, "10.9.9.9");
  EXPECT_EQ(w.audit_of("admin.debit").size(), 1u);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(AdminUsersTest, RestRoleChangesFollowTheOutrankingRules) {
  const auto role = [&](int64_t who, int64_t target, const char* r) {
    return w.call("POST", "/api/v1/admin/users/" + std::to_string(target) + "/role", who,
                  nlohmann::json{{"role", r}}.dump());
  };
  auto r = role(kAdmin, kAlice, "moderator");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["role"], "moderator");
  EXPECT_EQ(w.users.get(kAlice).role, users::Role::kModerator);
  EXPECT_EQ(w.audit_of("admin.set_role").back().target, "user:101");
  EXPECT_EQ(role(kAdmin, kAlice, "admin").status, 403);  // not above the admin's own
  EXPECT_EQ(role(kAdmin, kAdmin2, "user").status, 403);  // an equal
  EXPECT_EQ(role(kAdmin, kAdmin, "owner").status, 403);  // oneself
  EXPECT_EQ(role(kModerator, kAlik, "moderator").status, 403);
  EXPECT_EQ(role(kAlik, kAlik, "admin").status, 403);
  EXPECT_EQ(role(kAdmin, kAlik, "king").status, 400);
  EXPECT_EQ(role(kOwner, kAdmin2, "user").status, 200);
  EXPECT_EQ(w.users.get(kAdmin2).role, users::Role::kUser);
}

INSTANTIATE_TEST_SUITE_P(Engines, AdminUsersTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::admin
