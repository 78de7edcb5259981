// One database (SQLite or PostgreSQL) with the users and auth services, for the auth suites:
// users 101 alice and 102 bob (users), 900 boss (admin), 901 deputy (admin), 1 root (owner).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "base/names.h"
#include "features/auth/auth.h"
#include "features/auth/auth_http.h"
#include "features/parser/parser.h"
#include "features/users/users_http.h"
#include "tests/support/databases.h"

namespace lucas::auth::testing {

struct World {
  explicit World(store::Engine e, bool limited = false)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),  // 2026-01-01T00:00:00Z
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        limiter(clock),
        auth(*t.db, users, clock, &log, options(limited)) {
    store::migrate(*t.db,
                   {events::migrations(), audit::migrations(), ledger::migrations(),
                    users::migrations(), migrations()},
                   clock);
    users.upsert({101, "alice", "Alice", "ru"});
    users.upsert({102, "bob", "Bob", "en"});
    users.upsert({900, "boss", "Boss", "ru"});
    users.upsert({901, "deputy", "Deputy", "ru"});
    users.upsert({1, "root", "Root", "en"});
    users.set_role(0, 900, users::Role::kAdmin);
    users.set_role(0, 901, users::Role::kAdmin);
    users.set_role(0, 1, users::Role::kOwner);
  }
  Options options(bool limited) {
    Options o;
    if (limited) o.limiter = &limiter;
    return o;
  }
  // The user with full access (as the bot acts for them), their role as stored.
  users::Actor as(int64_t id) { return users::Actor::user(id, users.get(id).role); }
  std::vector<audit::Entry> audit_of(const std::string& prefix) {
    return t.db->read([&](store::Tx& tx) {
      audit::Query q;
      q.action = prefix;
      q.limit = 10000;
      return log.search(tx, q);
    });
  }
  // An active client of `user` with `scopes` (the console's), and a token for it.
  std::string token_for(int64_t user, const std::vector<std::string>& scopes) {
    const auto c = auth.create_client(users::Actor::console_operator(), user, "app", scopes);
    return auth.issue_token(c.client.client_id, c.secret, "10.0.0.1").token;
  }
  lucas::testing::TestDatabase t;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  ratelimit::MemoryLimiter limiter;
  AuthService auth;
};

// The router as lucas serve wires these two features: bearer tokens authenticated first.
struct Api {
  explicit Api(World& world) : w(world) {
    router.set_authenticator([this](http::Request& req) { authenticate_request(w.auth, req); });
    users::register_http(router, w.users, history);
    register_http(router, w.auth, w.users);
  }
  http::Response call(const std::string& method, const std::string& path,
                      const std::string& token = "", std::string body = "",
                      std::map<std::string, std::string> headers = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.body = std::move(body);
    req.headers = std::move(headers);
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    req.remote_addr = "127.0.0.1";
    return router.dispatch(req, w.clock);
  }
  World& w;
  users::HistoryService history{*w.t.db, w.ledger, w.users};
  http::Router router;
};

inline ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // "did not throw" never matches what a test expects
}

inline std::string error_code(const http::Response& r) {
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() ? j.value("error_code", std::string()) : std::string();
}

}  // namespace lucas::auth::testing
