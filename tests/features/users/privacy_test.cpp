// Issue 15 point 4, "private data needs a token", on SQLite and PostgreSQL: who may read a user's
// balance, transactions and full profile — through the service directly and through the REST
// face with real bearer tokens — and a rapidcheck property of the read decision against a model.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "tests/features/auth/auth_world.h"

namespace lucas::users {
namespace {

using auth::testing::Api;
using auth::testing::code_of;
using auth::testing::error_code;
using auth::testing::World;

nlohmann::json body(const http::Response& r) {
  return nlohmann::json::parse(r.body, nullptr, false);
}

// World's users, Alice (101) with a balance and an admin's grant whose note is private.
struct Funded : World {
  explicit Funded(store::Engine e) : World(e) {
    users.adjust(900, "grant-1", 101, 1234, ledger::kCoin, "private note: welcome back");
  }
};

class Privacy : public ::testing::TestWithParam<store::Engine> {};

TEST_P(Privacy, HostileUserCannotReadAnotherUsersBalanceOrTransactions) {
  Funded w(GetParam());
  // Through the service.
  EXPECT_EQ(code_of([&] { w.users.balance(w.as(102), 101); }), ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.users.transactions(w.as(102), 101, std::nullopt, 10); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.users.balance(Actor::anonymous(), 101); }), ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.users.transactions(Actor::anonymous(), 101, std::nullopt, 10); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(w.users.balance(w.as(101), 101).amount, 1234);
  // Through HTTP, with real tokens: anonymous 401, Bob 403, Alice herself 200.
  Api api(w);
  const std::string bob = w.auth.issue_console_token(102, 600).token;
  const std::string alice = w.token_for(101, {"balance:read", "history:read"});
  for (const char* path : {"/api/v1/users/101/balance", "/api/v1/users/101/transactions"}) {
    const auto anonymous = api.call("GET", path);
    EXPECT_EQ(anonymous.status, 401) << path;
    EXPECT_EQ(error_code(anonymous), "UNAUTHORIZED");
    EXPECT_EQ(anonymous.body.find("1234"), std::string::npos);
    const auto other = api.call("GET", path, bob);
    EXPECT_EQ(other.status, 403) << path;
    EXPECT_EQ(error_code(other), "FORBIDDEN");
    EXPECT_EQ(other.body.find("12.34"), std::string::npos);
    EXPECT_EQ(api.call("GET", path, alice).status, 200) << path;
  }
  EXPECT_EQ(body(api.call("GET", "/api/v1/users/101/balance", alice))["balance"]["amount"],
            "12.34");
  // Not even whether someone exists is told without a token.
  EXPECT_EQ(api.call("GET", "/api/v1/users/424242/balance").status, 401);
}

TEST_P(Privacy, HostileClientWithoutBalanceScopeGets403) {
  Funded w(GetParam());
  Api api(w);
  const std::string history_only = w.token_for(101, {"history:read"});
  const auto r = api.call("GET", "/api/v1/users/101/balance", history_only);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_code(r), "INSUFFICIENT_SCOPE");
  EXPECT_EQ(body(r)["details"]["scope"], "balance:read");
  EXPECT_EQ(api.call("GET", "/api/v1/users/101/transactions", history_only).status, 200);
  const std::string balance_only = w.token_for(101, {"balance:read"});
  EXPECT_EQ(
      body(api.call("GET", "/api/v1/users/101/transactions", balance_only))["details"]["scope"],
      "history:read");
  auto scoped = w.as(101);
  scoped.scopes = std::vector<std::string>{"profile:read"};
  EXPECT_EQ(code_of([&] { w.users.balance(scoped, 101); }), ErrorCode::kInsufficientScope);
}

TEST_P(Privacy, HostileUserSeesOnlyThePublicFieldsOfAnotherProfile) {
  Funded w(GetParam());
  Api api(w);
  const std::set<std::string> kPublic = {"id", "display_name", "created_at", "visibility"};
  const auto keys = [](const nlohmann::json& j) {
    std::set<std::string> out;
    for (const auto& [k, v] : j.items()) out.insert(k);
    return out;
  };
  // Anonymous and Bob: public fields only.
  for (const std::string& token : {std::string(), w.auth.issue_console_token(102, 600).token}) {
    const auto j = body(api.call("GET", "/api/v1/users/101", token));
    EXPECT_EQ(keys(j), kPublic);
    EXPECT_EQ(j["display_name"], "Alice");
    EXPECT_EQ(j["visibility"], "public");
  }
  // Alice herself (profile:read) and an admin: the full record.
  for (const std::string& token :
       {w.token_for(101, {"profile:read"}), w.auth.issue_console_token(900, 600).token}) {
    const auto j = body(api.call("GET", "/api/v1/users/101", token));
    EXPECT_EQ(j["visibility"], "full");
    EXPECT_EQ(j["username"], "alice");
    EXPECT_EQ(j["role"], "user");
  }
  // Her own client without profile:read sees what anyone sees.
  EXPECT_EQ(keys(body(api.call("GET", "/api/v1/users/101", w.token_for(101, {"balance:read"})))),
            kPublic);
  EXPECT_EQ(api.call("GET", "/api/v1/users/424242").status, 404);
  EXPECT_FALSE(w.users.profile(w.as(102), 101).full);
  EXPECT_TRUE(w.users.profile(w.as(900), 101).full);
}

TEST_P(Privacy, HostileAdminCannotReadAsAnOwnerOrAnotherAdmin) {
  Funded w(GetParam());
  EXPECT_EQ(code_of([&] { w.users.balance(w.as(900), 1); }), ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.users.transactions(w.as(900), 901, std::nullopt, 10); }),
            ErrorCode::kForbidden);
  EXPECT_FALSE(w.users.profile(w.as(900), 1).full);
  EXPECT_EQ(w.users.balance(w.as(900), 101).amount, 1234);  // below the admin: allowed
  EXPECT_NO_THROW(w.users.balance(w.as(1), 900));           // the owner reads everyone's
  w.users.set_role(1, 102, Role::kModerator);
  EXPECT_EQ(code_of([&] { w.users.balance(w.as(102), 101); }), ErrorCode::kForbidden);
  // An admin's API client needs the admin scope to read others, besides the data's scope.
  auto client = w.as(900);
  client.scopes = std::vector<std::string>{"balance:read"};
  EXPECT_EQ(code_of([&] { w.users.balance(client, 101); }), ErrorCode::kInsufficientScope);
  client.scopes->push_back("admin");
  EXPECT_EQ(w.users.balance(client, 101).amount, 1234);
}

TEST_P(Privacy, HostileScopedClientDoesNotSeePrivateMetadata) {
  Funded w(GetParam());
  Api api(w);
  const auto metadata = [&](const std::string& token) {
    const auto j = body(api.call("GET", "/api/v1/users/101/transactions", token));
    return j["items"].at(0)["metadata"];
  };
  // A third-party app with history:read: the admin's id and note are private.
  const auto scoped = metadata(w.token_for(101, {"history:read"}));
  EXPECT_TRUE(scoped.is_object());
  EXPECT_FALSE(scoped.contains("note"));
  EXPECT_FALSE(scoped.contains("actor"));
  // Alice's own full access and an admin see everything.
  EXPECT_EQ(metadata(w.auth.issue_console_token(101, 600).token)["note"],
            "private note: welcome back");
  EXPECT_EQ(metadata(w.auth.issue_console_token(900, 600).token)["note"],
            "private note: welcome back");
  // The safe keys pass, the rest (chat and message ids, the replier, the player) does not.
  const nlohmann::json bank{{"game", "gd_cards"},   {"kind", "chest"}, {"game_currency", "orbs"},
                            {"game_amount", "2.5"}, {"k", "1"},        {"chat_id", -100},
                            {"message_id", 7},      {"replier", 102},  {"player", "alice"}};
  EXPECT_EQ(safe_metadata(bank), (nlohmann::json{{"game", "gd_cards"},
                                                 {"kind", "chest"},
                                                 {"game_currency", "orbs"},
                                                 {"game_amount", "2.5"},
                                                 {"k", "1"}}));
}

// Issue 17, the web app's history page: filters by direction, reason prefix and time, paged
// within the filter, and the CSV export of the filtered history — through the service and REST.
struct History : Funded {
  explicit History(store::Engine e) : Funded(e) {  // 2026-01-01: admin.grant 12.34
    clock.advance(kDay);                           // 2026-01-02: a game result, 5.00
    t.db->transact([&](store::Tx& tx) {
      const auto mint = ledger.system_account(tx, "mint:games", ledger::kCoin, true);
      const auto alice = ledger.user_account(tx, 101, ledger::kCoin);
      return ledger.move(tx, "win-1", mint, alice, 500, ledger::kCoin, "bank.win",
                         {{"game", "gd_cards"}, {"chat_id", -100}});
    });
    clock.advance(kDay);  // 2026-01-03: an admin's debit, 2.00
    users.adjust(900, "debit-1", 101, -200, ledger::kCoin, "=HYPERLINK(\"x\"), a note");
  }
  static constexpr Micros kDay = 86'400'000'000;
};

std::vector<std::string> reasons(const ledger::HistoryPage& p) {
  std::vector<std::string> out;
  for (const auto& i : p.items) out.push_back(i.reason);
  return out;
}

TEST_P(Privacy, HistoryFiltersByDirectionReasonAndTimeAndPagesWithinTheFilter) {
  History w(GetParam());
  HistoryService history(*w.t.db, w.ledger, w.users);
  const auto query = [](auto&& set) {
    HistoryQuery q;
    set(q.filter);
    return q;
  };
  using D = ledger::HistoryFilter::Direction;
  const auto alice = w.as(101);
  EXPECT_EQ(reasons(history.transactions(alice, 101, {})),
            (std::vector<std::string>{"admin.debit", "bank.win", "admin.grant"}));
  EXPECT_EQ(
      reasons(history.transactions(alice, 101, query([](auto& f) { f.direction = D::kCredit; }))),
      (std::vector<std::string>{"bank.win", "admin.grant"}));
  const auto debits =
      history.transactions(alice, 101, query([](auto& f) { f.direction = D::kDebit; }));
  ASSERT_EQ(debits.items.size(), 1u);
  EXPECT_EQ(debits.items[0].amount, -200);
  EXPECT_EQ(
      reasons(history.transactions(alice, 101, query([](auto& f) { f.reason_prefix = "bank."; }))),
      (std::vector<std::string>{"bank.win"}));
  EXPECT_EQ(
      reasons(history.transactions(alice, 101, query([](auto& f) { f.reason_prefix = "admin."; }))),
      (std::vector<std::string>{"admin.debit", "admin.grant"}));
  // '_' is no wildcard: "admin_" matches nothing here.
  EXPECT_TRUE(history.transactions(alice, 101, query([](auto& f) { f.reason_prefix = "admin_"; }))
                  .items.empty());
  const Micros jan2 = *parse_rfc3339("2026-01-02"), jan3 = *parse_rfc3339("2026-01-03");
  EXPECT_EQ(reasons(history.transactions(alice, 101, query([&](auto& f) { f.since = jan2; }))),
            (std::vector<std::string>{"admin.debit", "bank.win"}));
  EXPECT_EQ(reasons(history.transactions(alice, 101, query([&](auto& f) { f.until = jan2; }))),
            (std::vector<std::string>{"admin.grant"}));
  EXPECT_EQ(reasons(history.transactions(alice, 101, query([&](auto& f) {
                                           f.since = jan2;
                                           f.until = jan3;
                                         }))),
            (std::vector<std::string>{"bank.win"}));
  // Pages of one within "money in": the cursor keeps to the filter.
  auto q = query([](auto& f) { f.direction = D::kCredit; });
  q.limit = 1;
  const auto first = history.transactions(alice, 101, q);
  EXPECT_EQ(reasons(first), (std::vector<std::string>{"bank.win"}));
  ASSERT_TRUE(first.next_cursor.has_value());
  q.cursor = first.next_cursor;
  const auto second = history.transactions(alice, 101, q);
  EXPECT_EQ(reasons(second), (std::vector<std::string>{"admin.grant"}));
  EXPECT_FALSE(second.next_cursor.has_value());
  // Bad filters, and the same doors as the unfiltered history.
  EXPECT_EQ(code_of([&] {
              history.transactions(alice, 101, query([](auto& f) { f.reason_prefix = "bank%"; }));
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              history.transactions(alice, 101, query([&](auto& f) {
                                     f.since = jan3;
                                     f.until = jan2;
                                   }));
            }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { history.transactions(w.as(102), 101, {}); }), ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { history.transactions(Actor::anonymous(), 101, {}); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(history.transactions(w.as(900), 101, {}).items.size(), 3u);  // an admin above her
}

// A GET of Alice's history with a query string (Api::call takes a bare path).
http::Response get(Api& api, const std::string& query, const std::string& token = "") {
  http::Request req;
  req.method = "GET";
  req.path = "/api/v1/users/101/transactions";
  req.target = req.path + "?" + query;
  req.query = http::parse_form(query).value();
  if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
  req.remote_addr = "127.0.0.1";
  return api.router.dispatch(req, api.w.clock);
}

TEST_P(Privacy, HistoryFiltersAndCsvExportThroughRest) {
  History w(GetParam());
  Api api(w);
  const std::string alice = w.token_for(101, {"history:read"});
  const auto debits = get(api, "direction=debit", alice);
  ASSERT_EQ(debits.status, 200) << debits.body;
  const auto items = body(debits)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["amount"]["amount"], "-2.00");
  EXPECT_EQ(items[0]["reason"], "admin.debit");
  EXPECT_FALSE(items[0]["metadata"].contains("note"));  // a scoped client: safe keys only
  EXPECT_EQ(body(get(api, "since=2026-01-02&until=2026-01-03", alice))["items"].size(), 1u);

  const auto csv = get(api, "format=csv&direction=credit", alice);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  bool attachment = false;
  for (const auto& [k, v] : csv.headers) {
    attachment = attachment || (k == "Content-Disposition" && v.find("attachment") == 0);
  }
  EXPECT_TRUE(attachment);
  // The same rows as the JSON pages of that filter, sums in the currency's scale.
  const auto credits = body(get(api, "direction=credit", alice))["items"];
  ASSERT_EQ(credits.size(), 2u);
  const auto ids = [&](size_t i) {
    return std::to_string(credits[i]["transfer_id"].get<int64_t>()) + "," +
           std::to_string(credits[i]["id"].get<int64_t>()) + "\r\n";
  };
  EXPECT_EQ(csv.body,
            "created_at,amount,currency,balance_after,reason,game,transfer_id,entry_id\r\n"
            "2026-01-02T00:00:00Z,5.00,COIN,17.34,bank.win,gd_cards," +
                ids(0) + "2026-01-01T00:00:00Z,12.34,COIN,12.34,admin.grant,," + ids(1));
  // Every row of the unfiltered export, the debit's sum negative.
  const auto all = get(api, "format=csv", alice);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(std::count(all.body.begin(), all.body.end(), '\n'), 4);
  EXPECT_NE(all.body.find(",-2.00,COIN,15.34,admin.debit,,"), std::string::npos) << all.body;

  // Bad input, other people and missing scopes are refused — in CSV too.
  EXPECT_EQ(get(api, "direction=sideways", alice).status, 400);
  EXPECT_EQ(get(api, "since=yesterday", alice).status, 400);
  EXPECT_EQ(get(api, "format=xml", alice).status, 400);
  const std::string bob = w.auth.issue_console_token(102, 600).token;
  const auto other = get(api, "format=csv", bob);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.body.find("12.34"), std::string::npos);
  EXPECT_EQ(get(api, "format=csv").status, 401);
  const auto balance_only = get(api, "format=csv", w.token_for(101, {"balance:read"}));
  EXPECT_EQ(balance_only.status, 403);
  EXPECT_EQ(body(balance_only)["details"]["scope"], "history:read");
}

INSTANTIATE_TEST_SUITE_P(Engines, Privacy,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

// For any actor (anonymous, the console, any role, any scopes or full access, themself or not),
// any target role and any kind of data, read_access decides as this model of the rules says.
RC_GTEST_PROP(ReadAccess, MatchesTheModel, ()) {
  const auto role = [] {
    return *rc::gen::element(Role::kUser, Role::kModerator, Role::kAdmin, Role::kOwner);
  };
  const int kind = *rc::gen::inRange(0, 3);
  const Data what = kind == 0 ? Data::kProfile : kind == 1 ? Data::kBalance : Data::kHistory;
  const Role target_role = role();
  const int who = *rc::gen::inRange(0, 4);  // 0 anonymous, 1 console, 2 themself, 3 someone else
  Actor actor = who == 0   ? Actor::anonymous()
                : who == 1 ? Actor::console_operator()
                           : Actor::user(who == 2 ? 7 : 8, role());
  if (who >= 2 && *rc::gen::arbitrary<bool>()) {
    std::vector<std::string> scopes;
    for (const auto& s : scope_catalog()) {
      if (*rc::gen::arbitrary<bool>()) scopes.emplace_back(s.name);
    }
    actor.scopes = scopes;
  }
  // The model, in plain words.
  const std::string data_scope = what == Data::kProfile   ? "profile:read"
                                 : what == Data::kBalance ? "balance:read"
                                                          : "history:read";
  const auto holds = [&](const std::string& s) {
    return !actor.scopes ||
           std::find(actor.scopes->begin(), actor.scopes->end(), s) != actor.scopes->end();
  };
  std::string expected;  // "full", "scoped", "public", or the error code
  if (who == 1) {
    expected = "full";
  } else if (who == 0) {
    expected = what == Data::kProfile ? "public" : "UNAUTHORIZED";
  } else {
    const bool self = who == 2;
    const bool above = actor.role == Role::kOwner ||
                       (static_cast<int>(actor.role) >= 2 && actor.role > target_role);
    if (!self && !above) {
      expected = what == Data::kProfile ? "public" : "FORBIDDEN";
    } else if (!holds(data_scope) || (!self && !holds("admin"))) {
      expected = what == Data::kProfile ? "public" : "INSUFFICIENT_SCOPE";
    } else {
      expected = !self || !actor.scopes ? "full" : "scoped";
    }
  }
  std::string got;
  try {
    const Access a = read_access(actor, 7, target_role, what);
    got = a == Access::kFull ? "full" : a == Access::kScoped ? "scoped" : "public";
  } catch (const Error& e) {
    got = std::string(error_code_name(e.code()));
  }
  RC_ASSERT(got == expected);
}

}  // namespace
}  // namespace lucas::users
