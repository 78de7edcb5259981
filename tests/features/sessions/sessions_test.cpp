// Web sessions on SQLite and PostgreSQL: sign-in by Mini App initData and by a one-time login link
// (single use, 5 minutes, on a ManualClock), refusals that change nothing and are audited, sliding
// expiry, listing, revoking, logout, revoke_all (the ban hook), the per-IP limit on failures, and
// the HTTP face: the cookie, CSRF on every state-changing request, my sessions.
#include <gtest/gtest.h>

#include "base/ids.h"
#include "base/names.h"
#include "features/parser/parser.h"
#include "features/sessions/sessions.h"
#include "features/sessions/sessions_http.h"
#include "tests/support/databases.h"

namespace lucas::sessions {
namespace {

constexpr char kToken[] = "424242:session-test-token";
constexpr Micros kStart = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
constexpr Micros kDay = 86'400'000'000;
constexpr Micros kMinute = 60'000'000;

struct World {
  explicit World(store::Engine e, bool limited = false, std::string url = "http://localhost:8080")
      : t(lucas::testing::fresh_database(e)),
        clock(kStart),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        limiter(clock),
        sessions(*t.db, users, clock, &log, options(limited, std::move(url))) {
    store::migrate(*t.db,
                   {events::migrations(), audit::migrations(), ledger::migrations(),
                    users::migrations(), migrations()},
                   clock);
    users.upsert({102, "bob", "Bob", "en"});
    users.upsert({900, "boss", "Boss", "ru"});
    users.set_role(0, 900, users::Role::kAdmin);
  }
  Options options(bool limited, std::string url) {
    Options o;
    o.bot_token = kToken;
    o.public_url = std::move(url);
    if (limited) o.limiter = &limiter;
    return o;
  }
  // initData for user 101 signed now (or with another token).
  std::string init_data(int64_t user = 101, std::string token = kToken) {
    return sign_webapp_init_data(
        {{"auth_date", std::to_string(clock.now() / 1'000'000)},
         {"query_id", "q1"},
         {"user", R"({"id":)" + std::to_string(user) +
                      R"(,"first_name":"Алиса","username":"alice","language_code":"en-GB"})"}},
        token);
  }
  std::vector<audit::Entry> audit_of(const std::string& prefix) {
    return t.db->read([&](store::Tx& tx) {
      audit::Query q;
      q.action = prefix;
      q.limit = 10000;
      return log.search(tx, q);
    });
  }
  int64_t count(const std::string& table) {
    return t.db->read(
        [&](store::Tx& tx) { return tx.exec("SELECT COUNT(*) FROM " + table).one().i64(0); });
  }
  lucas::testing::TestDatabase t;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  ratelimit::MemoryLimiter limiter;
  SessionService sessions;
};

const Client kBrowser{"10.0.0.7", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156"};

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // "did not throw" never matches what a test expects
}

class SessionsTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(SessionsTest, MiniAppSignInStartsASessionForTheUpsertedUser) {
  World w(GetParam());
  const auto s = w.sessions.sign_in_webapp(w.init_data(), kBrowser);
  EXPECT_EQ(s.user.telegram_id, 101);
  EXPECT_EQ(s.user.display_name, "Алиса");
  EXPECT_EQ(s.user.language, "en");
  EXPECT_EQ(w.users.get(101).username, "alice");
  EXPECT_EQ(s.session.method, "webapp");
  EXPECT_EQ(s.session.expires_at, kStart + 30 * kDay);
  EXPECT_EQ(s.cookie.size(), 68u);
  EXPECT_EQ(s.csrf_token, SessionService::csrf_token(s.cookie));
  const auto r = w.sessions.resolve(s.cookie, "10.0.0.7");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->user.telegram_id, 101);
  EXPECT_EQ(r->session.id, s.session.id);
  EXPECT_EQ(r->csrf_token, s.csrf_token);
  // The cookie is stored only as its hash.
  const auto stored = w.t.db->read(
      [](store::Tx& tx) { return tx.exec("SELECT token_hash FROM web_sessions").one().str(0); });
  EXPECT_EQ(stored, sha256_hex(s.cookie));
  // Audited with the IP and the user agent.
  const auto a = w.audit_of("auth.web.signin");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].actor, 101);
  EXPECT_EQ(a[0].result, "ok");
  EXPECT_EQ(a[0].ip, "10.0.0.7");
  EXPECT_EQ(a[0].details["user_agent"], kBrowser.user_agent);
  EXPECT_EQ(a[0].details["method"], "webapp");
}

TEST_P(SessionsTest, ForgedOrStaleInitDataIsRefusedAuditedAndChangesNothing) {
  World w(GetParam());
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_webapp(w.init_data(101, "1:forged"), kBrowser); }),
            ErrorCode::kUnauthorized);
  std::string tampered = w.init_data();
  tampered.replace(tampered.find("%3A101"), 6, "%3A102");
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_webapp(tampered, kBrowser); }),
            ErrorCode::kUnauthorized);
  const auto old = w.init_data();
  w.clock.advance(kDay + 1'000'000);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_webapp(old, kBrowser); }), ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_webapp(std::string(9000, 'a'), kBrowser); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.count("web_sessions"), 0);
  EXPECT_FALSE(w.users.find(101).has_value());  // no user made from forged data
  const auto a = w.audit_of("auth.web.signin");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].details["reason"], "bad_hash");
  EXPECT_EQ(a[1].details["reason"], "bad_hash");
  EXPECT_EQ(a[2].details["reason"], "stale");
  EXPECT_EQ(a[3].details["reason"], "too_long");
  for (const auto& e : a) {
    EXPECT_EQ(e.result, "denied");
    EXPECT_EQ(e.ip, "10.0.0.7");
    EXPECT_EQ(e.details["user_agent"], kBrowser.user_agent);
  }
  // The widget is off unless a login domain is configured.
  EXPECT_EQ(code_of([&] {
              w.sessions.sign_in_widget({{"id", "101"}}, kBrowser);
            }),
            ErrorCode::kNotFound);
}

TEST_P(SessionsTest, ALoginLinkIsSingleUseAndLivesFiveMinutes) {
  World w(GetParam());
  const std::string url = w.sessions.create_login_link(102);
  ASSERT_EQ(url.rfind("http://localhost:8080/login#token=", 0), 0u) << url;
  const std::string token = url.substr(url.find('=') + 1);
  w.clock.advance(5 * kMinute - 1);
  const auto s = w.sessions.sign_in_link(token, kBrowser);
  EXPECT_EQ(s.user.telegram_id, 102);
  EXPECT_EQ(s.session.method, "link");
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_link(token, kBrowser); }), ErrorCode::kUnauthorized);

  const std::string late = w.sessions.create_login_link(102);
  w.clock.advance(5 * kMinute);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_link(late.substr(late.find('=') + 1), kBrowser); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_link(random_hex(32), kBrowser); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_link("'; DROP TABLE web_sessions; --", kBrowser); }),
            ErrorCode::kUnauthorized);
  EXPECT_EQ(w.count("web_sessions"), 1);
  EXPECT_EQ(w.audit_of("auth.web.login_link").size(), 2u);
  const auto a = w.audit_of("auth.web.signin");
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].result, "ok");
  for (size_t i = 1; i < a.size(); ++i) EXPECT_EQ(a[i].result, "denied");
}

TEST_P(SessionsTest, SessionsSlideAndEndWhenIdle) {
  World w(GetParam());
  const auto s = w.sessions.sign_in_webapp(w.init_data(), kBrowser);
  w.clock.advance(29 * kDay);
  ASSERT_TRUE(w.sessions.resolve(s.cookie, "10.0.0.8").has_value());  // slides to day 59
  w.clock.advance(29 * kDay);
  const auto r = w.sessions.resolve(s.cookie, "10.0.0.8");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->session.last_ip, "10.0.0.8");
  EXPECT_EQ(r->session.ip, "10.0.0.7");
  w.clock.advance(30 * kDay);  // idle for the whole period
  EXPECT_FALSE(w.sessions.resolve(s.cookie, "10.0.0.8").has_value());
  EXPECT_FALSE(w.sessions.resolve("lss_" + random_hex(32), "ip").has_value());
  EXPECT_FALSE(w.sessions.resolve("garbage", "ip").has_value());
  w.clock.advance(2 * kDay);
  EXPECT_EQ(w.sessions.prune(), 1);
  EXPECT_EQ(w.count("web_sessions"), 0);
}

TEST_P(SessionsTest, ListRevokeLogoutAndRevokeAll) {
  World w(GetParam());
  const auto a = w.sessions.sign_in_webapp(w.init_data(), kBrowser);
  w.clock.advance(kMinute);
  const auto b = w.sessions.sign_in_webapp(w.init_data(), kBrowser);
  const auto c =
      w.sessions.sign_in_link(w.sessions.create_login_link(102).substr(
                                  std::string("http://localhost:8080/login#token=").size()),
                              kBrowser);
  using users::Actor;
  using users::Role;
  auto mine = w.sessions.list(Actor::user(101, Role::kUser), 101);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, b.session.id);  // most recently used first
  EXPECT_EQ(code_of([&] { w.sessions.list(Actor::user(102, Role::kUser), 101); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(w.sessions.list(Actor::user(900, Role::kAdmin), 101).size(), 2u);  // an admin may
  // An API client's token needs the "sessions" scope, even for its own user's sign-ins.
  Actor client = Actor::user(101, Role::kUser);
  client.scopes = std::vector<std::string>{"balance:read"};
  EXPECT_EQ(code_of([&] { w.sessions.list(client, 101); }), ErrorCode::kInsufficientScope);
  EXPECT_EQ(code_of([&] { w.sessions.revoke(client, a.session.id, "ip"); }),
            ErrorCode::kInsufficientScope);
  client.scopes = std::vector<std::string>{"sessions"};
  EXPECT_EQ(w.sessions.list(client, 101).size(), 2u);
  // Another user's session is "not found", and stays live.
  EXPECT_EQ(code_of([&] { w.sessions.revoke(Actor::user(102, Role::kUser), a.session.id, "ip"); }),
            ErrorCode::kNotFound);
  EXPECT_TRUE(w.sessions.resolve(a.cookie, "ip").has_value());
  w.sessions.revoke(Actor::user(101, Role::kUser), a.session.id, "ip");
  EXPECT_FALSE(w.sessions.resolve(a.cookie, "ip").has_value());
  EXPECT_EQ(code_of([&] { w.sessions.revoke(Actor::user(101, Role::kUser), a.session.id, "ip"); }),
            ErrorCode::kNotFound);
  EXPECT_TRUE(w.sessions.logout(b.cookie, "ip"));
  EXPECT_FALSE(w.sessions.logout(b.cookie, "ip"));
  EXPECT_FALSE(w.sessions.resolve(b.cookie, "ip").has_value());
  EXPECT_TRUE(w.sessions.list(Actor::user(101, Role::kUser), 101).empty());
  // The ban hook: every live session of the user ends at once.
  const auto d = w.sessions.sign_in_webapp(w.init_data(102), kBrowser);
  EXPECT_EQ(w.sessions.revoke_all(102, "banned"), 2);
  EXPECT_FALSE(w.sessions.resolve(c.cookie, "ip").has_value());
  EXPECT_FALSE(w.sessions.resolve(d.cookie, "ip").has_value());
  EXPECT_EQ(w.sessions.revoke_all(102, "banned"), 0);
  EXPECT_EQ(w.audit_of("auth.web.revoke_all").size(), 1u);
  EXPECT_EQ(w.audit_of("auth.web.session_revoke").size(), 1u);
  EXPECT_EQ(w.audit_of("auth.web.logout").size(), 1u);
  EXPECT_TRUE(w.t.db->read([&](store::Tx& tx) { return w.log.verify(tx); }).ok());
}

// A banned user signs in by no method (refused and audited, nothing started); an admin sees and
// ends only the sessions of users ranked below them.
TEST_P(SessionsTest, BannedUsersDoNotSignInAndAdminsManageOnlyThoseBelowThem) {
  World w(GetParam());
  using users::Actor;
  using users::Role;
  const std::string link = w.sessions.create_login_link(102);
  w.users.ban(900, 102, "spam", std::nullopt);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_webapp(w.init_data(102), kBrowser); }),
            ErrorCode::kUserBanned);
  EXPECT_EQ(code_of([&] { w.sessions.sign_in_link(link.substr(link.find('=') + 1), kBrowser); }),
            ErrorCode::kUserBanned);
  EXPECT_EQ(w.count("web_sessions"), 0);
  size_t denied = 0;
  for (const auto& e : w.audit_of("auth.web.signin")) denied += e.result == "denied";
  EXPECT_EQ(denied, 2u);

  // Admin 900 and a second admin 901: neither sees nor ends the other's sessions; the owner does.
  w.users.upsert({901, "ann", "Ann", "en"});
  w.users.set_role(0, 901, Role::kAdmin);
  w.users.upsert({1, "own", "Owner", "en"});
  w.users.set_role(0, 1, Role::kOwner);
  const auto s = w.sessions.sign_in_webapp(w.init_data(901), kBrowser);
  EXPECT_EQ(code_of([&] { w.sessions.list(Actor::user(900, Role::kAdmin), 901); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(code_of([&] { w.sessions.revoke(Actor::user(900, Role::kAdmin), s.session.id, "ip"); }),
            ErrorCode::kNotFound);
  EXPECT_TRUE(w.sessions.resolve(s.cookie, "ip").has_value());
  EXPECT_EQ(w.sessions.list(Actor::user(1, Role::kOwner), 901).size(), 1u);
  w.sessions.revoke(Actor::user(1, Role::kOwner), s.session.id, "ip");
  EXPECT_FALSE(w.sessions.resolve(s.cookie, "ip").has_value());
}

TEST_P(SessionsTest, FailedSignInsAreLimitedPerIpAndTheFloodIsAuditedOnce) {
  World w(GetParam(), true);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(code_of([&] { w.sessions.sign_in_link(random_hex(32), kBrowser); }),
              ErrorCode::kUnauthorized);
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(code_of([&] { w.sessions.sign_in_link(random_hex(32), kBrowser); }),
              ErrorCode::kRateLimited);
  }
  const auto a = w.audit_of("auth.web.signin");
  ASSERT_EQ(a.size(), 21u);
  EXPECT_EQ(a.back().result, "throttled");
  // Another address is not affected.
  EXPECT_NO_THROW(w.sessions.sign_in_webapp(w.init_data(), Client{"10.9.9.9", "ua"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, SessionsTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::sessions
