// The review queue, corrections, canary records and drift on SQLite and PostgreSQL, through the
// bank bot as players and admins use them, and through the REST face (the router, no sockets).
#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>
#include <sstream>

#include <map>
#include <set>
#include <thread>

#include "base/names.h"
#include "features/bank/bank_bot.h"
#include "features/parser/drift.h"
#include "features/parser/parser_http.h"
#include "features/parser/parser_store.h"
#include "features/review/review.h"
#include "features/review/review_http.h"
#include "infra/audit/audit.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "infra/telegram/updates.h"
#include "tests/features/parser/ai_support.h"
#include "tests/support/bot_door.h"
#include "tests/support/databases.h"

namespace lucas::parser {
namespace {

using nlohmann::json;
using review::correction_from_json;
using review::message_key;
using review::ReviewService;

const char* kChest = "🎁 Mirtol открыл сундук и получил 1.7 орб";
// A chest in a format no extractor knows (the kind of change game bots make without notice).
const char* kNewChest = "🎁 Mirtol нашёл сундук: +2.5 орба";

struct World {
  // threshold 1.0: every parse (the rules' confidence is 0.9) waits for an admin.
  explicit World(store::Engine engine, double threshold = 1.0)
      : t(lucas::testing::fresh_database(engine)),
        clock(1'767'225'600'000'000),
        ledger(clock),
        audit(clock),
        users(*t.db, ledger, clock, normalize_name, &audit),
        bank(*t.db, ledger, users, clock, normalize_name, &audit),
        parser(clock, options(threshold)),
        review(*t.db, bank, users, clock, &audit),
        drift(*t.db, parser, users, clock),
        bot(bank, users, bot_options(), nullptr, [this](module::Services& s) { s.put(review); }) {
    store::migrate(*t.db,
                   {events::migrations(), audit::migrations(), telegram::migrations(),
                    ledger::migrations(), users::migrations(), bank::migrations(), migrations()},
                   clock);
    users.upsert({7, "", "Ann", "ru"});
    users.upsert({1, "", "Admin", "en"});
    users.set_role(0, 1, users::Role::kAdmin);
    bank.import_link(7, "gd_cards", "Mirtol");
  }
  static ServiceOptions options(double threshold) {
    ServiceOptions o;
    o.review_threshold = threshold;
    return o;
  }
  review::DeskOptions bot_options() {
    review::DeskOptions o{review::default_game_bots()};
    o.ai = {&parser, &review, &drift};
    return o;
  }
  json person(int64_t id, const std::string& name, const std::string& lang = "ru") {
    return {{"id", id}, {"is_bot", false}, {"first_name", name}, {"language_code", lang}};
  }
  json game_message(int64_t id, const std::string& text) {
    return {
        {"message_id", id},
        {"date", clock.now() / 1'000'000 - 60},
        {"chat", {{"id", -100}, {"type", "supergroup"}}},
        {"from", {{"id", 900}, {"is_bot", true}, {"first_name", "GD"}, {"username", "gdcardsBot"}}},
        {"text", text}};
  }
  std::string say(const json& from, const std::string& text, const json& replied = nullptr) {
    json m{{"message_id", ++message_id},
           {"date", 1},
           {"chat", {{"id", -100}, {"type", "supergroup"}}},
           {"from", from},
           {"text", text}};
    if (!replied.is_null()) m["reply_to_message"] = replied;
    std::string out;
    for (const auto& r :
         bot.handle(telegram::parse_update({{"update_id", ++update_id}, {"message", m}}))) {
      out += r.text;
    }
    return out;
  }
  int64_t balance(int64_t id) { return users.balance(id).amount; }
  int64_t audit_count(const std::string& action) {
    return t.db->read([&](store::Tx& tx) {
      audit::Query q;
      q.action = action;
      return static_cast<int64_t>(audit.search(tx, q).size());
    });
  }

  lucas::testing::TestDatabase t;
  ManualClock clock;
  ledger::Ledger ledger;
  audit::AuditLog audit;
  users::UserService users;
  bank::BankService bank;
  ParserService parser;
  ReviewService review;
  DriftMonitor drift;
  lucas::testing::BotDoor bot;
  int64_t message_id = 2000;
  int64_t update_id = 0;
};

class ReviewTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  ReviewTest() : w(GetParam()) {}
  World w;
};

// Property 3 end to end: a parse below the threshold is queued and credits nothing until an
// admin accepts it; then it credits exactly once.
TEST_P(ReviewTest, Property3_LowConfidenceIsQueuedAndCreditedOnlyOnAccept) {
  const auto chest = w.game_message(500, kChest);
  const std::string first = w.say(w.person(7, "Ann"), "парсинг", chest);
  EXPECT_NE(first.find("отправлено админам на проверку (№1)"), std::string::npos) << first;
  EXPECT_EQ(w.balance(7), 0);
  EXPECT_NE(w.say(w.person(7, "Ann"), "парсинг", chest).find("уже ждёт проверки"),
            std::string::npos);
  EXPECT_EQ(w.review.pending_count(), 1);

  const std::string list = w.say(w.person(1, "Admin", "en"), "/review");
  EXPECT_NE(list.find("#1 · gd_cards/chest · 90%"), std::string::npos) << list;
  const std::string accepted = w.say(w.person(1, "Admin", "en"), "/accept 1");
  EXPECT_NE(accepted.find("#1 accepted (gd_cards/chest). Credits: 1."), std::string::npos)
      << accepted;
  EXPECT_EQ(w.balance(7), 170);  // 1.7 orbs x 1
  // Twice is refused, and the money moved once.
  EXPECT_THROW(w.review.accept(1, 1), Error);
  EXPECT_EQ(w.balance(7), 170);
  EXPECT_EQ(w.review.pending_count(), 0);
  EXPECT_EQ(w.audit_count("admin.parser_review.accept"), 1);
  EXPECT_EQ(w.review.training_samples().size(), 1u);  // a confirmed label is training data too
}

TEST_P(ReviewTest, CorrectionCreditsWhatIsRightAndJoinsTheTrainingSet) {
  const std::string queued = w.say(w.person(7, "Ann"), "парсинг", w.game_message(501, kNewChest));
  EXPECT_NE(queued.find("№1"), std::string::npos) << queued;
  const auto item = w.review.get(1, 1);
  EXPECT_EQ(item.result["game_type"], "other");  // nobody knows this format yet
  const std::string corrected = w.say(
      w.person(1, "Admin", "en"),
      R"(/correct 1 gd_cards/chest [{"player": "Mirtol", "amount": "2.5", "currency": "orbs", "type": "accrual"}])");
  EXPECT_NE(corrected.find("#1 corrected to gd_cards/chest"), std::string::npos) << corrected;
  EXPECT_EQ(w.balance(7), 250);
  const auto samples = w.review.training_samples();
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].text, kNewChest);
  EXPECT_EQ(samples[0].kind, "chest");
  ASSERT_EQ(samples[0].events.size(), 1u);
  EXPECT_EQ(*samples[0].events[0].amount, "2.5");
  EXPECT_EQ(w.review.untrained_count(), 1);
  w.review.mark_trained(3);
  EXPECT_EQ(w.review.untrained_count(), 0);
  EXPECT_EQ(w.audit_count("admin.parser_review.correct"), 1);
  // The same game message later credits nothing again (the bank's key is the message's).
  EXPECT_NE(w.say(w.person(7, "Ann"), "парсинг", w.game_message(501, kNewChest)).find("№1"),
            std::string::npos);
  EXPECT_EQ(w.balance(7), 250);
}

// Hostile admins: an accept and a correction of one item at once. Exactly one wins, and the
// reading paid is the winner's (the item's final), never the loser's.
TEST_P(ReviewTest, AcceptRacingACorrectionPaysOnlyTheWinnersReading) {
  w.users.upsert({2, "", "Admin2", "en"});
  w.users.set_role(0, 2, users::Role::kAdmin);
  const auto correction = correction_from_json(
      {{"game", "gd_cards"},
       {"kind", "chest"},
       {"events",
        {{{"player", "Mirtol"}, {"amount", "2.5"}, {"currency", "orbs"}, {"type", "accrual"}}}}});
  for (int round = 1; round <= 6; ++round) {
    const int64_t before = w.balance(7);
    w.clock.advance(1'000'000);  // another chest: its own origin date, so its own key
    const std::string queued =
        w.say(w.person(7, "Ann"), "парсинг", w.game_message(600 + round, kChest));
    ASSERT_NE(queued.find("№" + std::to_string(round)), std::string::npos) << queued;
    std::atomic<int> won{0};
    auto race = [&](auto&& decide) {
      try {
        decide();
        ++won;
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kConflict) << e.what();
      }
    };
    std::thread a([&] { race([&] { w.review.accept(1, round); }); });
    std::thread b([&] { race([&] { w.review.correct(2, round, correction); }); });
    a.join();
    b.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    const auto item = w.review.get(1, round);
    const int64_t paid = w.balance(7) - before;
    if (item.status == "accepted") {
      EXPECT_EQ(paid, 170) << "round " << round;
    } else {
      EXPECT_EQ(item.status, "corrected");
      EXPECT_EQ(paid, 250) << "round " << round;
    }
  }
}

TEST_P(ReviewTest, OnlyAdminsReviewAndBadCorrectionsChangeNothing) {
  w.say(w.person(7, "Ann"), "парсинг", w.game_message(502, kChest));
  EXPECT_NE(w.say(w.person(7, "Ann"), "/accept 1").find("Недостаточно прав"), std::string::npos);
  try {
    w.review.list(7);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  }
  auto refused = [&](const json& body) {
    try {
      w.review.correct(1, 1, correction_from_json(body));
      return false;
    } catch (const Error& e) {
      return e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kInvalidAmount;
    }
  };
  EXPECT_TRUE(refused({{"game", "gd_cards"}, {"kind", "fishing"}}));
  EXPECT_TRUE(refused({{"game", "nope"}, {"kind", "chest"}}));
  EXPECT_TRUE(
      refused({{"game", "gd_cards"},
               {"kind", "chest"},
               {"events", {{{"amount", "1.x"}, {"currency", "orbs"}, {"type", "accrual"}}}}}));
  EXPECT_TRUE(
      refused({{"game", "gd_cards"},
               {"kind", "chest"},
               {"events", {{{"amount", "1"}, {"currency", "coins"}, {"type", "accrual"}}}}}));
  EXPECT_TRUE(
      refused({{"game", "other"},
               {"kind", "none"},
               {"events", {{{"amount", "1"}, {"currency", "orbs"}, {"type", "accrual"}}}}}));
  EXPECT_TRUE(refused(json::array()));
  EXPECT_NE(w.say(w.person(1, "Admin", "en"), "/correct 1 gd_cards").find("Usage"),
            std::string::npos);
  EXPECT_EQ(w.review.pending_count(), 1);
  EXPECT_EQ(w.balance(7), 0);
  EXPECT_EQ(w.review.training_samples().size(), 0u);
  // Without events the named game's extractor reads the text.
  const auto d =
      w.review.correct(1, 1, correction_from_json({{"game", "gd_cards"}, {"kind", "chest"}}));
  EXPECT_EQ(d.credit.credits.size(), 1u);
  EXPECT_EQ(w.balance(7), 170);
}

TEST_P(ReviewTest, ConfidentParsesCreditAsBefore) {
  World confident(GetParam(), 0.8);
  const std::string r =
      confident.say(confident.person(7, "Ann"), "парсинг", confident.game_message(503, kChest));
  EXPECT_NE(r.find("Зачислено 1.70"), std::string::npos) << r;
  EXPECT_EQ(confident.review.pending_count(), 0);
  EXPECT_EQ(confident.balance(7), 170);
}

TEST_P(ReviewTest, CanaryRecordsAgreementAndAccuracyOnReviewedItems) {
  w.review.record_canary(message_key(-100, 1),
                         {"v1", "gd_cards/chest", "v2", "gd_cards/chest", true});
  // Records are keyed by the game result (bot, origin date, text), as the bank bot keys them.
  w.review.record_canary(bank::result_key(900, w.clock.now() / 1'000'000 - 60, kChest),
                         {"v1", "other/none", "v2", "gd_cards/chest", true});
  w.say(w.person(7, "Ann"), "парсинг", w.game_message(504, kChest));
  w.review.accept(1, 1);  // the truth for message 504: gd_cards/chest
  const auto s = w.review.canary_stats();
  EXPECT_EQ(s.records, 2);
  EXPECT_DOUBLE_EQ(s.agreement, 0.5);
  EXPECT_EQ(s.reviewed, 1);
  EXPECT_DOUBLE_EQ(s.active_accuracy, 0.0);
  EXPECT_DOUBLE_EQ(s.candidate_accuracy, 1.0);
}

TEST_P(ReviewTest, DriftAlertsAboveThresholdOnly) {
  lucas::testing::TempDir dir;
  ServiceOptions o;
  o.model_dir = testing::copy_models(dir.path() + "/m");
  ParserService with_model(w.clock, o);
  DriftMonitor drift(*w.t.db, with_model, w.users, w.clock);
  std::vector<DriftReport> alerts;
  drift.on_alert([&](const DriftReport& r) { alerts.push_back(r); });
  // Traffic like the training mix: no alert.
  for (const auto& s : synth::generate({321, 300})) drift.log(with_model.parse(s.text));
  w.clock.advance(1'000'000);
  const auto calm = drift.run(w.clock.now());
  EXPECT_EQ(calm.messages, 300);
  EXPECT_LT(calm.psi_class, 0.25);
  EXPECT_TRUE(alerts.empty());
  // Then only card drops: the class shares drift far.
  const auto card = synth::generate({5, 1}).front().text;
  for (int i = 0; i < 200; ++i) drift.log(with_model.parse(card));
  w.clock.advance(1'000'000);
  const auto shifted = drift.run(w.clock.now());
  EXPECT_EQ(shifted.messages, 200);  // only what came since the last check
  EXPECT_GT(shifted.psi_class, 0.25);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(drift.history(1, 10).size(), 2u);
  EXPECT_THROW(drift.history(7, 10), Error);  // admins only
}

// The parse log serves only the drift check: the daily run forgets what is older than 90 days.
TEST_P(ReviewTest, TheDriftRunForgetsParsesOlderThanTheRetention) {
  const auto logged = [&] {
    return w.t.db->read(
        [](store::Tx& tx) { return tx.exec("SELECT COUNT(*) FROM parser_log").rows[0].i64(0); });
  };
  for (int i = 0; i < 3; ++i) w.drift.log(w.parser.parse(kChest));
  w.clock.advance(DriftMonitor::kLogRetention - 1'000'000);
  w.drift.log(w.parser.parse(kNewChest));
  w.drift.run(w.clock.now());
  EXPECT_EQ(logged(), 4);  // the first three are 1 s short of the retention
  w.clock.advance(2'000'000);
  w.drift.run(w.clock.now());
  EXPECT_EQ(logged(), 1);
  EXPECT_EQ(w.drift.history(1, 10).size(), 2u);  // the drift history itself is kept
}

// Admins get a chart, not only numbers: one line per check, oldest first, bars scaled to twice
// the threshold (or the largest PSI), the threshold marked, alerts and notes named.
TEST(DriftChart, DrawsEachCheckAgainstTheThreshold) {
  const Micros day = 86'400'000'000;
  const Micros d1 = 1'767'225'600'000'000;  // 2026-01-01
  std::vector<DriftReport> history{
      {d1 + 2 * day, "v3", 900, 0.5, 0.125, true, ""},
      {d1, "v3", 1000, 0.0625, 0.0, false, ""},
      {d1 + day, "v3", 0, 0, 0, false, "no parses since the last check"},
  };
  const std::string chart = drift_chart(history, 0.25, 8);
  std::vector<std::string> lines;
  std::istringstream in(chart);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 5u) << chart;  // header, three checks, legend
  const auto count = [](const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size()))
      ++n;
    return n;
  };
  EXPECT_EQ(lines[1].rfind("2026-01-01", 0), 0u) << chart;  // oldest first
  EXPECT_EQ(lines[2].rfind("2026-01-02", 0), 0u);
  EXPECT_EQ(lines[3].rfind("2026-01-03", 0), 0u);
  // Scale 0..0.5 over 8 cells: 0.0625 is one full cell, 0.5 all eight, 0.125 two.
  EXPECT_EQ(count(lines[1], "█"), 1u);
  EXPECT_EQ(count(lines[3], "█"), 8u + 2u);
  EXPECT_EQ(count(lines[1], "|"), 2u);  // the threshold at cell 4 of both empty-ish bars
  EXPECT_EQ(count(lines[3], "|"), 1u);  // the class bar covers it
  EXPECT_NE(lines[3].find("0.500"), std::string::npos);
  EXPECT_NE(lines[3].find("ALERT"), std::string::npos);
  EXPECT_EQ(lines[1].find("ALERT"), std::string::npos);
  EXPECT_NE(lines[2].find("(no parses since the last check)"), std::string::npos);
  EXPECT_NE(lines[4].find("alert threshold 0.25"), std::string::npos);
  EXPECT_EQ(drift_chart({}, 0.25), "no drift checks yet\n");
}

// The REST face: the same services behind the router, as API clients and the admin panel call it.
class ReviewHttpTest : public ReviewTest {
 protected:
  ReviewHttpTest() {
    register_http(router, w.parser, w.drift);
    review::register_http(router, w.review, w.parser);
  }
  http::Response call(const std::string& method, const std::string& path, int64_t user,
                      std::string body = "", std::map<std::string, std::string> query = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.query = std::move(query);
    req.body = std::move(body);
    req.auth_user_id = user;
    return router.dispatch(req, w.clock);
  }
  // The JSON of a response that must have `status`.
  json ok(const http::Response& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }
  // The error code of a refused request (and that it was refused with `status`).
  std::string refused(const http::Response& r, int status) {
    return ok(r, status).at("error_code").get<std::string>();
  }
  // Each queued message is another game result: a second later than the one before (one text
  // sent by one bot at one time is one result, whatever its copies).
  void queue(int64_t message_id, const char* text = kChest) {
    w.clock.advance(1'000'000);
    w.say(w.person(7, "Ann"), "парсинг", w.game_message(message_id, text));
  }
  static constexpr int64_t kAdmin = 1, kPlayer = 7;
  http::Router router;
};

TEST_P(ReviewHttpTest, ParseAnswersTheResultShapeForAnyAuthenticatedClient) {
  EXPECT_EQ(refused(call("POST", "/api/v1/parser/parse", 0, R"({"text":"x"})"), 401),
            "UNAUTHORIZED");
  const json r = ok(
      call("POST", "/api/v1/parser/parse", kPlayer, json{{"text", kChest}, {"key", "k1"}}.dump()));
  EXPECT_EQ(r.at("game_type"), "gd_cards");
  EXPECT_EQ(r.at("kind"), "chest");
  EXPECT_GE(r.at("confidence").get<double>(), 0.0);
  EXPECT_LE(r.at("confidence").get<double>(), 1.0);
  EXPECT_TRUE(r.at("entities").is_array());
  EXPECT_TRUE(r.contains("model_version"));
  // A parse is not a credit.
  EXPECT_EQ(w.balance(kPlayer), 0);
  EXPECT_EQ(w.review.pending_count(), 0);
  for (const std::string& bad :
       {std::string("[1]"), std::string("not json"), std::string(R"({"text": 5})"),
        std::string("{}"), json{{"text", std::string(16385, 'a')}}.dump()}) {
    EXPECT_EQ(refused(call("POST", "/api/v1/parser/parse", kPlayer, bad), 400), "INVALID_ARGUMENT")
        << bad.substr(0, 40);
  }
}

TEST_P(ReviewHttpTest, AdminsPageThroughTheQueueOthersAreRefused) {
  queue(601);
  queue(602);
  queue(603);
  EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/reviews", kPlayer), 403), "FORBIDDEN");
  EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/reviews", 0), 401), "UNAUTHORIZED");
  const json first = ok(call("GET", "/api/v1/admin/parser/reviews", kAdmin, "", {{"limit", "2"}}));
  ASSERT_EQ(first.at("items").size(), 2u);
  ASSERT_TRUE(first.at("next_cursor").is_string());
  const json second = ok(call("GET", "/api/v1/admin/parser/reviews", kAdmin, "",
                              {{"limit", "2"}, {"cursor", first.at("next_cursor")}}));
  ASSERT_EQ(second.at("items").size(), 1u);
  EXPECT_TRUE(second.at("next_cursor").is_null());
  std::set<int64_t> ids;
  for (const auto* page : {&first, &second}) {
    for (const auto& it : page->at("items")) ids.insert(it.at("id").get<int64_t>());
  }
  EXPECT_EQ(ids, (std::set<int64_t>{1, 2, 3}));  // each once, none skipped
  const json one = ok(call("GET", "/api/v1/admin/parser/reviews/2", kAdmin));
  EXPECT_EQ(one.at("id"), 2);
  EXPECT_EQ(one.at("status"), "pending");
  EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/reviews/99", kAdmin), 404), "NOT_FOUND");
  for (const auto& [k, v] : std::map<std::string, std::string>{
           {"limit", "0"}, {"limit", "201"}, {"limit", "x"}, {"cursor", "-1"}, {"cursor", "a"}}) {
    EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/reviews", kAdmin, "", {{k, v}}), 400),
              "INVALID_ARGUMENT")
        << k << "=" << v;
  }
}

TEST_P(ReviewHttpTest, AcceptAndCorrectCreditOnceAndBadBodiesChangeNothing) {
  queue(611);
  queue(612, kNewChest);
  EXPECT_EQ(refused(call("POST", "/api/v1/admin/parser/reviews/1/accept", kPlayer), 403),
            "FORBIDDEN");
  EXPECT_EQ(w.balance(kPlayer), 0);
  const json accepted = ok(call("POST", "/api/v1/admin/parser/reviews/1/accept", kAdmin));
  EXPECT_EQ(accepted.at("item").at("status"), "accepted");
  ASSERT_EQ(accepted.at("credits").size(), 1u);
  EXPECT_EQ(accepted.at("credits").at(0).at("amount_minor"), 170);
  EXPECT_EQ(w.balance(kPlayer), 170);
  EXPECT_EQ(refused(call("POST", "/api/v1/admin/parser/reviews/1/accept", kAdmin), 409),
            "CONFLICT");
  EXPECT_EQ(w.balance(kPlayer), 170);

  for (const std::string& bad :
       {std::string("not json"), std::string(R"({"game":"gd_cards"})"),
        std::string(R"({"game":"gd_cards","kind":"chest","events":[{"amount":"2.x",)"
                    R"("currency":"orbs","type":"accrual"}]})")}) {
    const std::string code =
        refused(call("POST", "/api/v1/admin/parser/reviews/2/correct", kAdmin, bad), 400);
    EXPECT_TRUE(code == "INVALID_ARGUMENT" || code == "INVALID_AMOUNT") << code << " " << bad;
  }
  EXPECT_EQ(w.balance(kPlayer), 170);
  EXPECT_EQ(w.review.pending_count(), 1);
  const json corrected =
      ok(call("POST", "/api/v1/admin/parser/reviews/2/correct", kAdmin,
              R"({"game":"gd_cards","kind":"chest","events":[{"player":)"
              R"("Mirtol","amount":"2.5","currency":"orbs","type":"accrual"}]})"));
  EXPECT_EQ(corrected.at("item").at("status"), "corrected");
  EXPECT_EQ(w.balance(kPlayer), 420);
  EXPECT_EQ(w.review.training_samples().size(), 2u);
  EXPECT_EQ(w.audit_count("admin.parser_review.accept"), 1);
  EXPECT_EQ(w.audit_count("admin.parser_review.correct"), 1);
}

TEST_P(ReviewHttpTest, DriftAndStatusAreForAdmins) {
  queue(621);
  EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/drift", kPlayer), 403), "FORBIDDEN");
  EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/status", kPlayer), 403), "FORBIDDEN");
  const json none = ok(call("GET", "/api/v1/admin/parser/drift", kAdmin));
  EXPECT_TRUE(none.at("items").empty());
  EXPECT_TRUE(none.at("latest").is_null());
  w.drift.run(w.clock.now());
  const json one = ok(call("GET", "/api/v1/admin/parser/drift", kAdmin, "", {{"limit", "5"}}));
  ASSERT_EQ(one.at("items").size(), 1u);
  EXPECT_EQ(one.at("latest"), one.at("items").at(0));
  EXPECT_EQ(refused(call("GET", "/api/v1/admin/parser/drift", kAdmin, "", {{"limit", "366"}}), 400),
            "INVALID_ARGUMENT");
  const json status = ok(call("GET", "/api/v1/admin/parser/status", kAdmin));
  EXPECT_EQ(status.at("review_pending"), 1);
  EXPECT_EQ(status.at("breaker_open"), false);
  EXPECT_TRUE(status.at("canary").is_object());
}

INSTANTIATE_TEST_SUITE_P(Engines, ReviewHttpTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

INSTANTIATE_TEST_SUITE_P(Engines, ReviewTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::parser
