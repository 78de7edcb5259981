// The admin panel's health, jobs and backups (features/health) on SQLite and PostgreSQL: who may
// read and who may act, decided in the service (a moderator reads but cannot run a job or verify a
// backup; a player reads nothing) and through the REST face; every run, verification and refused
// attempt audited; CONFLICT while a job runs; the per-admin limit; backups not configured; the
// series sampled from the metrics registry by the injected clock.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "base/names.h"
#include "features/health/health.h"
#include "features/health/health_http.h"
#include "features/health/log_stream.h"
#include "tests/support/databases.h"

namespace lucas::health {
namespace {

constexpr int64_t kAdmin = 1, kModerator = 2, kPlayer = 3;
constexpr Micros kMinute = 60'000'000;

std::vector<store::MigrationSet> all_sets() {
  return {events::migrations(), audit::migrations(), ledger::migrations(), users::migrations(),
          jobs::migrations()};
}

struct World {
  explicit World(store::Engine e, bool with_backups = true)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(*t.db, clock),
        ledger(clock, &outbox),
        users(*t.db, ledger, clock, lucas::normalize_name, &log),
        scheduler(*t.db, clock, leader, &metrics, "node-a"),
        limiter(clock),
        sampler(metrics, clock) {
    store::migrate(*t.db, all_sets(), clock);
    users.upsert({kAdmin, "boss", "Boss", "ru"});
    users.upsert({kModerator, "mo", "Mo", "ru"});
    users.upsert({kPlayer, "pat", "Pat", "en"});
    users.set_role(0, kAdmin, users::Role::kAdmin);
    users.set_role(0, kModerator, users::Role::kModerator);
    scheduler.add("test.ok", jobs::Schedule::every(3'600'000'000), [this](const jobs::Run&) {
      ++ran;
      clock.advance(250'000);  // the run takes 0.25 s by the clock
    });
    scheduler.add("test.fail", jobs::Schedule::daily(3, 0),
                  [](const jobs::Run&) { throw std::runtime_error("disk full"); });
    scheduler.add("test.slow", jobs::Schedule::daily(4, 0), [this](const jobs::Run&) {
      started.set_value();
      release.get_future().wait();
    });
    if (with_backups) {
      backups.emplace(*t.db, all_sets(), clock,
                      backup::Options{{dir.path()}, backup::new_key_hex(), {"audit_log"}});
    }
    service.emplace(
        *t.db, users, log, clock, scheduler, backups ? &*backups : nullptr, sampler,
        [this]() -> nlohmann::json {
          if (!ready) throw Error(ErrorCode::kUnavailable, "database is not reachable");
          return {
              {"status", "ready"}, {"database", "sqlite"}, {"node", "node-a"}, {"redis", "off"}};
        },
        &limiter, Options{.logs = &ring, .node = "node-a"});
    router.set_authenticator([](http::Request& req) {
      const std::string who = req.header("x-test-user");
      if (!who.empty()) req.auth_user_id = std::stoll(who);
    });
    register_http(router, *service);
  }
  http::Response call(const std::string& method, const std::string& path, int64_t user,
                      std::map<std::string, std::string> query = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    if (user) req.headers["x-test-user"] = std::to_string(user);
    req.remote_addr = "10.2.2.2";
    return router.dispatch(req, clock);
  }
  std::vector<audit::Entry> audited(const std::string& action) {
    audit::Query q;
    q.action = action;
    return t.db->read([&](store::Tx& tx) { return log.search(tx, q); });
  }
  jobs::JobStatus job(const std::string& name) {
    for (auto& j : scheduler.status()) {
      if (j.name == name) return j;
    }
    throw std::runtime_error("no job " + name);
  }

  lucas::testing::TestDatabase t;
  lucas::testing::TempDir dir;
  ManualClock clock;
  telemetry::Registry metrics;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  jobs::AlwaysLeader leader;
  jobs::Scheduler scheduler;
  ratelimit::MemoryLimiter limiter;
  Sampler sampler;
  LogRing ring{50};
  std::optional<backup::BackupService> backups;
  std::optional<HealthService> service;
  http::Router router;
  int ran = 0;
  bool ready = true;
  std::promise<void> started, release;
};

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // "did not throw"
}

class HealthTest : public ::testing::TestWithParam<store::Engine> {};

TEST_P(HealthTest, AModeratorReadsButCannotRunAJobAndTheRefusalIsAudited) {
  World w(GetParam());
  EXPECT_EQ(w.service->jobs(kModerator).size(), 3u);
  EXPECT_EQ(code_of([&] { w.service->run_job(kModerator, "10.0.0.9", "test.ok"); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(w.ran, 0);
  EXPECT_EQ(w.job("test.ok").runs, 0);
  // The server refuses through the REST face as well, and reads are open to the moderator.
  EXPECT_EQ(w.call("POST", "/api/v1/admin/jobs/test.ok/run", kModerator).status, 403);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/jobs", kModerator).status, 200);
  EXPECT_EQ(w.ran, 0);
  const auto denied = w.audited("admin.job_run");
  ASSERT_EQ(denied.size(), 2u);
  for (const auto& e : denied) {
    EXPECT_EQ(e.actor, kModerator);
    EXPECT_EQ(e.result, "denied");
    EXPECT_EQ(e.target, "job:test.ok");
    EXPECT_EQ(e.details["role"], "moderator");
  }
  EXPECT_EQ(denied[0].ip, "10.0.0.9");  // oldest first: the service's own call
  EXPECT_EQ(denied[1].ip, "10.2.2.2");  // then the REST one
  // A player reads nothing; nobody anonymous either.
  EXPECT_EQ(code_of([&] { w.service->jobs(kPlayer); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/jobs", kPlayer).status, 403);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/jobs", 0).status, 401);
  EXPECT_EQ(w.call("POST", "/api/v1/admin/jobs/test.ok/run", 0).status, 401);
  EXPECT_EQ(w.call("POST", "/api/v1/admin/jobs/test.ok/run", kPlayer).status, 403);
  EXPECT_EQ(w.ran, 0);
}

TEST_P(HealthTest, AnAdminRunsAJobNowAndEveryRunIsAudited) {
  World w(GetParam());
  const auto before = w.job("test.ok");
  auto r = w.call("POST", "/api/v1/admin/jobs/test.ok/run", kAdmin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(w.ran, 1);
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["name"], "test.ok");
  EXPECT_EQ(j["last_result"], "ok");
  EXPECT_EQ(j["runs"], 1);
  EXPECT_DOUBLE_EQ(j["last_duration_s"].get<double>(), 0.25);
  EXPECT_EQ(j["next_run"], format_rfc3339(before.next_due));  // its schedule is unchanged
  EXPECT_EQ(j["last_node"], "node-a");

  // A failing job: the run happened, so it is answered with its failure.
  const auto failed = w.service->run_job(kAdmin, "10.0.0.1", "test.fail");
  EXPECT_EQ(failed.last_result, "failed");
  EXPECT_NE(failed.last_error.find("disk full"), std::string::npos);
  EXPECT_EQ(failed.failures, 1);

  const auto runs = w.audited("admin.job_run");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].target, "job:test.ok");
  EXPECT_EQ(runs[0].result, "ok");
  EXPECT_EQ(runs[0].actor, kAdmin);
  EXPECT_EQ(runs[0].ip, "10.2.2.2");
  EXPECT_DOUBLE_EQ(runs[0].details["duration_s"].get<double>(), 0.25);
  EXPECT_EQ(runs[1].target, "job:test.fail");
  EXPECT_EQ(runs[1].result, "failed");
  EXPECT_NE(runs[1].details["error"].get<std::string>().find("disk full"), std::string::npos);

  EXPECT_EQ(w.call("POST", "/api/v1/admin/jobs/no.such/run", kAdmin).status, 404);
  const auto listed = nlohmann::json::parse(w.call("GET", "/api/v1/admin/jobs", kAdmin).body);
  ASSERT_EQ(listed["items"].size(), 3u);
  EXPECT_EQ(listed["items"][1]["name"], "test.ok");
  EXPECT_EQ(listed["items"][1]["last_result"], "ok");
  EXPECT_TRUE(listed["items"][2]["last_result"].is_null());  // test.slow never ran
}

TEST_P(HealthTest, ARunningJobIsAConflictAndAdminsAreLimited) {
  World w(GetParam());
  std::thread first([&] { w.service->run_job(kAdmin, "", "test.slow"); });
  w.started.get_future().wait();
  EXPECT_EQ(w.call("POST", "/api/v1/admin/jobs/test.slow/run", kAdmin).status, 409);
  EXPECT_TRUE(w.job("test.slow").running);
  w.release.set_value();
  first.join();
  EXPECT_EQ(w.job("test.slow").last_result, "ok");
  // 6 actions a minute per admin (the conflict counted too): the next is refused with a wait.
  for (int i = 0; i < 4; ++i) w.service->run_job(kAdmin, "", "test.ok");
  const auto limited = w.call("POST", "/api/v1/admin/jobs/test.ok/run", kAdmin);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(w.ran, 4);
  w.clock.advance(2 * kMinute);
  EXPECT_EQ(w.call("POST", "/api/v1/admin/jobs/test.ok/run", kAdmin).status, 200);
  EXPECT_EQ(w.ran, 5);
}

TEST_P(HealthTest, BackupsAreListedAndOnlyAnAdminVerifiesOne) {
  World w(GetParam());
  const auto made = w.backups->create();
  w.clock.advance(kMinute);
  auto list = nlohmann::json::parse(w.call("GET", "/api/v1/admin/backups", kModerator).body);
  EXPECT_EQ(list["configured"], true);
  EXPECT_EQ(list["locations"], 1);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], made.id);
  EXPECT_EQ(list["items"][0]["kind"], "full");
  EXPECT_GT(list["items"][0]["rows"].get<int64_t>(), 0);

  const std::string path = "/api/v1/admin/backups/" + made.id + "/verify";
  EXPECT_EQ(code_of([&] { w.service->verify_backup(kModerator, "", made.id); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(w.call("POST", path, kModerator).status, 403);
  EXPECT_EQ(w.call("POST", path, kPlayer).status, 403);
  auto denied = w.audited("admin.backup_verify");
  ASSERT_EQ(denied.size(), 3u);
  for (const auto& e : denied) EXPECT_EQ(e.result, "denied");

  const auto r = w.call("POST", path, kAdmin);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto v = nlohmann::json::parse(r.body);
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["id"], made.id);
  const auto verified = w.audited("admin.backup_verify");
  ASSERT_EQ(verified.size(), 4u);
  EXPECT_EQ(verified[3].result, "ok");
  EXPECT_EQ(verified[3].actor, kAdmin);
  EXPECT_EQ(verified[3].target, "backup:" + made.id);
  EXPECT_EQ(w.call("POST", "/api/v1/admin/backups/20200101T000000Z-full/verify", kAdmin).status,
            404);
}

TEST_P(HealthTest, WithoutBackupsTheListSaysNotConfiguredAndVerifyIsAConflict) {
  World w(GetParam(), /*with_backups=*/false);
  const auto list = nlohmann::json::parse(w.call("GET", "/api/v1/admin/backups", kAdmin).body);
  EXPECT_EQ(list["configured"], false);
  EXPECT_EQ(list["locations"], 0);
  EXPECT_TRUE(list["items"].empty());
  EXPECT_EQ(w.call("POST", "/api/v1/admin/backups/x/verify", kAdmin).status, 409);
  // The moderator is refused before anything is looked at.
  EXPECT_EQ(w.call("POST", "/api/v1/admin/backups/x/verify", kModerator).status, 403);
}

TEST_P(HealthTest, TheHealthSeriesComeFromTheRegistryByTheClock) {
  World w(GetParam());
  auto& ok = w.metrics.counter("lucas_http_requests_total", "",
                               {{"method", "GET"}, {"route", "/api/v1/me"}, {"status", "200"}});
  auto& bad = w.metrics.counter("lucas_http_requests_total", "",
                                {{"method", "GET"}, {"route", "/api/v1/me"}, {"status", "503"}});
  double ws = 2;
  w.metrics.gauge("lucas_ws_connections", "", [&] { return ws; });
  w.clock.set(1'767'225'600'000'000 + 10 * kMinute + 5'000'000);
  ok.inc(100);
  w.sampler.sample();  // the first minute: no rates yet
  w.clock.advance(kMinute);
  ok.inc(7);
  bad.inc(2);
  ws = 3;
  w.sampler.sample();

  EXPECT_EQ(w.call("GET", "/api/v1/admin/health", kPlayer).status, 403);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/health", kModerator, {{"window", "week"}}).status, 400);
  const auto r = w.call("GET", "/api/v1/admin/health", kModerator);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["readiness"]["status"], "ready");
  EXPECT_EQ(j["window"], "hour");
  EXPECT_EQ(j["step_s"], 60);
  ASSERT_EQ(j["timestamps"].size(), 2u);
  EXPECT_EQ(j["timestamps"][1], format_rfc3339(1'767'225'600'000'000 + 11 * kMinute));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& s : j["series"]) by_name[s["name"].get<std::string>()] = s;
  EXPECT_EQ(by_name["http.requests"]["kind"], "rate");
  EXPECT_EQ(by_name["http.requests"]["values"], nlohmann::json::parse("[null, 9.0]"));
  EXPECT_EQ(by_name["http.errors"]["values"], nlohmann::json::parse("[null, 2.0]"));
  EXPECT_EQ(by_name["ws.connections"]["values"], nlohmann::json::parse("[2.0, 3.0]"));
  EXPECT_EQ(by_name["parser.review_share"]["values"], nlohmann::json::parse("[null, null]"));
  ASSERT_EQ(j["routes"].size(), 1u);
  EXPECT_EQ(j["routes"][0]["route"], "/api/v1/me");
  EXPECT_EQ(j["routes"][0]["requests"], 9);
  EXPECT_EQ(j["routes"][0]["errors"], 2);
  EXPECT_LE(j["memory"]["bytes"].get<int64_t>(), j["memory"]["max_bytes"].get<int64_t>());

  // An hour later the hour window is empty, the day still has both minutes.
  w.clock.advance(61 * kMinute);
  EXPECT_TRUE(w.service->health(kAdmin, "hour").at.empty());
  EXPECT_EQ(w.service->health(kAdmin, "day").at.size(), 2u);
  // Not ready: still answered, with the problem (the page shows it).
  w.ready = false;
  const auto unready = w.service->health(kAdmin, "hour");
  EXPECT_EQ(unready.readiness["status"], "unready");
  EXPECT_EQ(unready.readiness["problem"], "database is not reachable");
}

TEST(HealthSeries, TheRegistryReadingsBecomeTheNamedSeries) {
  telemetry::Registry m;
  m.counter("lucas_ledger_transfers_total", "", {{"kind", "bank.win"}}).inc(3);
  m.counter("lucas_ledger_transfers_total", "", {{"kind", "admin.grant"}}).inc(5);
  m.counter("lucas_ledger_volume_minor_total", "", {{"kind", "bank.win"}, {"currency", "COIN"}})
      .inc(1250);
  m.counter("lucas_job_runs_total", "", {{"job", "a"}, {"result", "ok"}}).inc(4);
  m.counter("lucas_job_runs_total", "", {{"job", "b"}, {"result", "failed"}}).inc(1);
  auto& h = m.histogram("lucas_parser_confidence", "", {}, {0.5, 1});
  h.observe(0.5);
  h.observe(1.0);
  m.counter("lucas_parser_reviews_total", "").inc();
  std::map<std::string, double> got;
  for (const auto& v : series_values(readings_of(m.render()))) got[v.name] = v.value;
  EXPECT_EQ(got["bank.credits"], 3);
  EXPECT_EQ(got["bank.credited_minor"], 1250);
  EXPECT_EQ(got["jobs.runs"], 5);
  EXPECT_EQ(got["jobs.failures"], 1);
  EXPECT_EQ(got["parser.parses"], 2);
  EXPECT_DOUBLE_EQ(got["parser.confidence_sum"], 1.5);
  EXPECT_EQ(got["parser.reviews"], 1);
  EXPECT_EQ(got["http.requests"], 0);  // totals are there before any use
  EXPECT_EQ(got.count("ws.connections"), 1u);
}

TEST(HealthSeries, TheExpositionTextIsReadBack) {
  telemetry::Registry m;
  m.counter("a_total", "", {{"route", "/x/{id}"}, {"q", "say \"hi\"\\n"}}).inc(7);
  m.gauge("b", "", [] { return 2.5; });
  auto& h = m.histogram("c_seconds", "", {}, {1});
  h.observe(0.5);
  const auto r = readings_of(m.render() + "garbage{\n" + "d{x=\"1\"} not-a-number\n");
  std::map<std::string, Reading> by;
  for (const auto& x : r) by[x.name + (x.labels.count("le") ? x.labels.at("le") : "")] = x;
  ASSERT_EQ(by.count("a_total"), 1u);
  EXPECT_EQ(by["a_total"].value, 7);
  EXPECT_EQ(by["a_total"].labels.at("route"), "/x/{id}");
  EXPECT_EQ(by["a_total"].labels.at("q"), "say \"hi\"\\n");
  EXPECT_EQ(by["b"].value, 2.5);
  EXPECT_EQ(by["c_seconds_count"].value, 1);
  EXPECT_EQ(by["c_seconds_sum"].value, 0.5);
  EXPECT_EQ(by["c_seconds_bucket+Inf"].value, 1);
  EXPECT_EQ(by.count("garbage"), 0u);
  EXPECT_EQ(by.count("d"), 0u);
}

TEST_P(HealthTest, OnlyAdminsReadTheLogsFilteredByLevelAndText) {
  World w(GetParam());
  w.ring.append(1, LogLevel::kInfo, "serve: listening on 127.0.0.1:8080");
  w.ring.append(2, LogLevel::kWarn, "telegram: sendMessage answered 429");
  w.ring.append(3, LogLevel::kError, "database: connection lost");
  auto r = w.call("GET", "/api/v1/admin/logs", kAdmin, {{"level", "warn"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["node"], "node-a");
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0]["msg"], "telegram: sendMessage answered 429");
  EXPECT_EQ(j["items"][0]["level"], "warn");
  EXPECT_EQ(j["items"][0]["seq"], 2);
  EXPECT_EQ(j["items"][1]["level"], "error");
  EXPECT_EQ(j["next_after"], 3);
  EXPECT_EQ(j["last"], 3);
  EXPECT_EQ(j["gap"], false);
  EXPECT_EQ(j["counts"]["warn"], 1);
  EXPECT_EQ(j["counts"]["info"], 1);
  // Following: nothing new after the cursor, then the new line only; a text filter.
  r = w.call("GET", "/api/v1/admin/logs", kAdmin, {{"after", "3"}});
  EXPECT_TRUE(nlohmann::json::parse(r.body)["items"].empty());
  w.ring.append(4, LogLevel::kInfo, "credited user 7");
  r = w.call("GET", "/api/v1/admin/logs", kAdmin, {{"after", "3"}, {"q", "user 7"}});
  j = nlohmann::json::parse(r.body);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["seq"], 4);
  // Bad input is a clear 400.
  for (const auto& [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"level", "loud"},
                                                        {"limit", "0"},
                                                        {"limit", "1001"},
                                                        {"after", "x"},
                                                        {"q", std::string(201, 'a')}}) {
    r = w.call("GET", "/api/v1/admin/logs", kAdmin, {{k, v}});
    EXPECT_EQ(r.status, 400) << k << "=" << v << " " << r.body;
  }
  EXPECT_EQ(
      w.call("GET", "/api/v1/admin/logs", kAdmin, {{"q", std::string(100, 'a') + "я"}}).status,
      200);  // 101 characters, 102 bytes
  // Moderators and players are refused (audited); nobody anonymous reads them.
  EXPECT_EQ(code_of([&] { w.service->logs(kModerator, {}); }), ErrorCode::kForbidden);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/logs", kPlayer).status, 403);
  EXPECT_EQ(w.call("GET", "/api/v1/admin/logs", 0).status, 401);
  const auto denied = w.audited("admin.logs_read");
  ASSERT_EQ(denied.size(), 2u);
  EXPECT_EQ(denied[0].actor, kModerator);
  EXPECT_EQ(denied[0].result, "denied");
  EXPECT_EQ(denied[1].actor, kPlayer);
}

class LogPeer : public realtime::Peer {
 public:
  void send(realtime::Frame f) override {
    std::lock_guard lock(mu);
    frames.push_back(nlohmann::json::parse(*f));
  }
  void close(uint16_t, std::string) override {}
  std::mutex mu;
  std::vector<nlohmann::json> frames;
};

TEST_P(HealthTest, TheLogStreamReachesSubscribedAdminsOnly) {
  World w(GetParam());
  realtime::Hub hub(w.clock);
  hub.set_topic_guard(admin_topic_guard(w.users));
  LogStream stream(w.ring, hub, w.clock, "node-a", {500'000, 3});
  w.ring.append(1, LogLevel::kInfo, "before anyone listened");
  EXPECT_EQ(stream.pump(), 0u);  // nobody listens: nothing is built, the cursor moves on

  auto admin = std::make_shared<LogPeer>();
  auto moderator = std::make_shared<LogPeer>();
  const auto a = hub.attach(kAdmin, admin);
  const auto m = hub.attach(kModerator, moderator);
  std::string why;
  bool forbidden = false;
  EXPECT_FALSE(hub.subscribe(m, kLogsTopic, &why, &forbidden));
  EXPECT_TRUE(forbidden);
  EXPECT_EQ(why, "only admins may subscribe to admin.logs");
  EXPECT_TRUE(hub.subscribe(m, "leaderboard.coins.daily"));  // other topics stay open
  ASSERT_TRUE(hub.subscribe(a, kLogsTopic));

  w.ring.append(2, LogLevel::kWarn, "first");
  w.ring.append(3, LogLevel::kInfo, "second");
  EXPECT_EQ(stream.pump(), 2u);
  EXPECT_EQ(stream.pump(), 0u);  // nothing new
  for (int i = 0; i < 5; ++i) w.ring.append(4 + i, LogLevel::kDebug, "burst " + std::to_string(i));
  EXPECT_EQ(stream.pump(), 3u);  // more than a round carries: the newest, with a gap

  ASSERT_EQ(admin->frames.size(), 2u);
  const auto& f = admin->frames[0];
  EXPECT_EQ(f["topic"], "admin.logs");
  EXPECT_EQ(f["type"], "log.lines");
  EXPECT_EQ(f["data"]["node"], "node-a");
  EXPECT_EQ(f["data"]["gap"], false);
  ASSERT_EQ(f["data"]["lines"].size(), 2u);
  EXPECT_EQ(f["data"]["lines"][0]["msg"], "first");
  EXPECT_EQ(f["data"]["lines"][0]["level"], "warn");
  const auto& burst = admin->frames[1]["data"];
  EXPECT_EQ(burst["gap"], true);
  ASSERT_EQ(burst["lines"].size(), 3u);
  EXPECT_EQ(burst["lines"][0]["msg"], "burst 2");
  EXPECT_EQ(burst["lines"][2]["msg"], "burst 4");
  EXPECT_TRUE(moderator->frames.empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, HealthTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::health
