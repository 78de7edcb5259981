// A world for the admin panel's user tools on SQLite or PostgreSQL: users of every role, the
// services the user page reads (users, bank links, web sessions, the audit log) and the admin
// routes behind a stand-in authenticator (x-test-user names the acting user and their role is
// read from the database, as the session authenticator does; x-test-scopes narrows the token).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "base/names.h"
#include "features/admin/admin.h"
#include "features/admin/admin_http.h"
#include "features/admin/admin_users.h"
#include "features/bank/bank.h"
#include "features/sessions/sessions.h"
#include "infra/store/migrate.h"
#include "tests/support/databases.h"

namespace lucas::admin::testing {

inline constexpr int64_t kOwner = 1;
inline constexpr int64_t kAdmin = 2;
inline constexpr int64_t kAdmin2 = 3;
inline constexpr int64_t kModerator = 4;
inline constexpr int64_t kAlice = 101;  // "Алиса Петрова", @alice
inline constexpr int64_t kAlik = 102;   // "АЛИСА", @alik
inline constexpr int64_t kMallory = 103;

struct ToolsWorld {
  explicit ToolsWorld(store::Engine e, bool players = true)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        bank(*t.db, ledger, users, clock, lucas::normalize_name, &log),
        sessions(*t.db, users, clock, &log, sessions::Options{}),
        admin(*t.db, users, log, outbox),
        desk(users, admin, bank, sessions) {
    store::migrate(*t.db,
                   {events::migrations(), audit::migrations(), ledger::migrations(),
                    users::migrations(), bank::migrations(), sessions::migrations()},
                   clock);
    log.follow_ledger(outbox, *t.db);
    const auto add = [&](int64_t id, const char* username, const char* name, users::Role role) {
      users.upsert({id, username, name, "ru"});
      if (role != users::Role::kUser) users.set_role(0, id, role);
    };
    add(kOwner, "boss", "Boss", users::Role::kOwner);
    add(kAdmin, "root", "Админ", users::Role::kAdmin);
    add(kAdmin2, "root2", "Второй админ", users::Role::kAdmin);
    add(kModerator, "mod", "Модератор", users::Role::kModerator);
    if (players) {
      add(kAlice, "alice", "Алиса Петрова", users::Role::kUser);
      add(kAlik, "alik", "АЛИСА", users::Role::kUser);
      add(kMallory, "mallory", "Mallory", users::Role::kUser);
    }
    router.set_authenticator([this](http::Request& req) {
      const std::string who = req.header("x-test-user");
      if (who.empty()) return;
      req.auth_user_id = std::stoll(who);
      if (auto u = users.find(req.auth_user_id)) req.auth_role = users::role_name(u->role);
      if (req.headers.count("x-test-scopes")) {
        req.auth_scopes = users::split_scopes(req.header("x-test-scopes"));
      }
    });
    register_http(router, admin);
    register_user_http(router, users, desk);
  }

  users::Actor actor(int64_t id) { return users::Actor::user(id, users.get(id).role); }
  int64_t coins(int64_t id) { return users.balance(id).amount; }
  ErrorCode code_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;  // nothing thrown
  }
  bool ledger_ok() {
    return t.db->read([&](store::Tx& tx) { return ledger.check(tx).ok(); });
  }
  std::vector<audit::Entry> audit_of(const std::string& action) {
    return t.db->read([&](store::Tx& tx) {
      audit::Query q;
      q.action = action;
      q.limit = 10'000;
      return log.search(tx, q);
    });
  }
  http::Response call(const std::string& method, const std::string& path, int64_t user,
                      std::string body = "", std::map<std::string, std::string> headers = {},
                      std::map<std::string, std::string> query = {}) {
    http::Request req;
    req.method = method;
    req.path = req.target = path;
    req.query = std::move(query);
    req.body = std::move(body);
    req.headers = std::move(headers);
    if (!req.body.empty() && !req.headers.count("content-type")) {
      req.headers["content-type"] = "application/json";
    }
    if (user != 0) req.headers["x-test-user"] = std::to_string(user);
    req.remote_addr = "10.9.9.9";
    return router.dispatch(req, clock);
  }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  bank::BankService bank;
  sessions::SessionService sessions;
  AdminService admin;
  UserDesk desk;
  http::Router router;
};

}  // namespace lucas::admin::testing
