// The hostile player against the bank (issue 15, points 1-3), on SQLite and PostgreSQL: one game
// result credits once however it is forwarded, replied to or retried; a named player's coins go
// to that player or wait — never to whoever replies; nickname links cannot be hijacked. Each test
// failed on the bank before these rules (credits by copy date, the replier fallback, /link
// overwriting another's claim, reply-confirmed links).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "tests/features/bank/bank_fixture.h"

namespace lucas::bank {
namespace {

using fixture::BotWorld;
using fixture::ev;
using fixture::kCard;
using fixture::World;
using nlohmann::json;

// --- point 1: one game result, one credit

class HostileForwards : public ::testing::TestWithParam<store::Engine> {
 protected:
  HostileForwards() : w(GetParam()) {
    w.users.upsert({7, "", "Ann", "ru"});
    w.bank.import_link(7, "gd_cards", "Mirtol");
  }
  // A forward of the card sent at `origin`, copied into `chat` at `copy_date` as message `id`.
  json forward(int64_t id, int64_t chat, int64_t origin, int64_t copy_date) {
    json m = w.game_message(
        id, kCard, w.person(8, "Bob"),
        {{"forward_origin", {{"type", "user"}, {"date", origin}, {"sender_user", w.game_bot()}}}});
    m["date"] = copy_date;
    m["chat"] = {{"id", chat}, {"type", "private"}};
    return m;
  }
  std::string ask_in(int64_t chat, int64_t who, const json& replied) {
    json u = w.update(w.person(who, "P" + std::to_string(who)), "парсинг", replied);
    u["message"]["chat"] = {{"id", chat}, {"type", chat > 0 ? "private" : "supergroup"}};
    return w.say(u);
  }
  BotWorld w;
};

TEST_P(HostileForwards, TheSameOriginalForwardedNTimesWithNewDatesCreditsOnce) {
  const int64_t origin = w.now_s() - 600;
  int credited = 0, refused = 0;
  for (int i = 0; i < 5; ++i) {
    // Each forward is a new copy: another chat, another message id, a later copy date.
    const std::string r =
        ask_in(200 + i, 200 + i, forward(10 + i, 200 + i, origin, origin + 60 * i));
    credited += r.find("Зачислено") != std::string::npos;
    refused += r.find("уже было обработано") != std::string::npos;
  }
  EXPECT_EQ(credited, 1);
  EXPECT_EQ(refused, 4);
  EXPECT_EQ(w.balance(7), 900);
}

TEST_P(HostileForwards, AnOriginalInAGroupAndItsForwardInPrivateCreditOnce) {
  const int64_t origin = w.now_s() - 120;
  json original = w.game_message(500, kCard, w.game_bot());
  original["date"] = origin;
  EXPECT_NE(ask_in(-100, 7, original).find("Зачислено"), std::string::npos);
  EXPECT_NE(ask_in(8, 8, forward(31, 8, origin, w.now_s())).find("уже было обработано"),
            std::string::npos);
  // And the other way round, for another result (the forward first).
  const int64_t origin2 = w.now_s() - 100;
  EXPECT_NE(ask_in(9, 9, forward(32, 9, origin2, w.now_s())).find("Зачислено"), std::string::npos);
  json original2 = w.game_message(501, kCard, w.game_bot());
  original2["date"] = origin2;
  EXPECT_NE(ask_in(-100, 7, original2).find("уже было обработано"), std::string::npos);
  EXPECT_EQ(w.balance(7), 1800);
}

TEST_P(HostileForwards, AGameMessageOlderThan48HoursCreditsNothing) {
  json old = w.game_message(600, kCard, w.game_bot());
  old["date"] = w.now_s() - 48 * 3600 - 1;
  const std::string r = ask_in(-100, 7, old);
  EXPECT_NE(r.find("больше 48 ч"), std::string::npos) << r;
  // A fresh forward of it carries the original's date: still too old.
  EXPECT_NE(ask_in(8, 8, forward(40, 8, w.now_s() - 49 * 3600, w.now_s())).find("больше 48 ч"),
            std::string::npos);
  json fresh = w.game_message(601, kCard, w.game_bot());
  fresh["date"] = w.now_s() - 47 * 3600;
  EXPECT_NE(ask_in(-100, 7, fresh).find("Зачислено"), std::string::npos);
  EXPECT_EQ(w.balance(7), 900);
}

INSTANTIATE_TEST_SUITE_P(Engines, HostileForwards,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

// For any interleaving of replies (in the group and to forwards), forwards, edits of the asking
// message and re-delivered updates of one game result: exactly one credit.
TEST(HostileForwardsProperty, AnyInterleavingOfCopiesAndRetriesOfOneResultCreditsOnce) {
  BotWorld w(store::Engine::kSqlite);
  w.users.upsert({7, "", "Ann", "ru"});
  w.bank.import_link(7, "gd_cards", "Mirtol");
  int64_t result = 0;
  EXPECT_TRUE(rc::check("one game result credits once", [&] {
    const int64_t origin = w.now_s() - 3600 + (++result);  // a new result each case
    const int64_t before = w.balance(7);
    std::vector<json> sent;
    const int n = *rc::gen::inRange(1, 12);
    for (int i = 0; i < n; ++i) {
      const int kind = *rc::gen::inRange(0, 4);
      const int64_t who = *rc::gen::inRange<int64_t>(7, 10);
      json update;
      if (kind == 0 || sent.empty()) {  // a reply to the original in the group
        json original = w.game_message(100'000 + result, kCard, w.game_bot());
        original["date"] = origin;
        update = w.update(w.person(who, "P"), "парсинг", original);
      } else if (kind == 1) {  // a new forward, copied somewhere at some later time
        const int64_t chat = *rc::gen::inRange<int64_t>(1, 50);
        json copy =
            w.game_message(++w.message_id, kCard, w.person(who, "P"),
                           {{"forward_origin",
                             {{"type", "user"}, {"date", origin}, {"sender_user", w.game_bot()}}}});
        copy["date"] = origin + *rc::gen::inRange<int64_t>(1, 3000);
        copy["chat"] = {{"id", chat}, {"type", "private"}};
        update = w.update(w.person(who, "P"), "/parse", copy);
        update["message"]["chat"] = copy["chat"];
      } else if (kind == 2) {  // the asking message edited: Telegram sends it again
        update = sent[*rc::gen::inRange<size_t>(0, sent.size())];
        update["update_id"] = ++w.update_id;
        update["edited_message"] = update["message"];
        update["edited_message"]["edit_date"] = w.now_s();
        update.erase("message");
      } else {  // the same update delivered again
        update = sent[*rc::gen::inRange<size_t>(0, sent.size())];
      }
      if (update.contains("message")) sent.push_back(update);
      w.say(update);
    }
    RC_ASSERT(w.balance(7) - before == 900);
  }));
  EXPECT_TRUE(w.t.db->read([&](store::Tx& tx) { return w.ledger.check(tx).ok(); }));
}

// --- point 2: a named player's coins go to that player, or wait

class HostileNames : public ::testing::TestWithParam<store::Engine> {
 protected:
  HostileNames() : w(GetParam()) {
    w.users.upsert({1, "", "Mallory", "ru"});
    w.users.upsert({2, "", "Poor", "ru"});  // display names that match the strangers exactly
    w.users.upsert({3, "", "Rich", "ru"});
    w.users.upsert({9, "", "Admin", "ru"});
    w.users.set_role(0, 9, users::Role::kAdmin);
  }
  int64_t waiting() {
    int64_t total = 0;
    for (const auto& u : w.bank.unclaimed(9, "pending", 200)) total += u.minor;
    return total;
  }
  World w;
};

TEST_P(HostileNames, TheTwoProfilesExploitPaysNobody) {
  // Mallory replies to a poor stranger's profile, then to a rich one's: the difference x k was
  // paid to her before. Each player's state is their own now: both are first seen.
  auto a = w.credit(-1, 1, "gd_cards", "profile", {ev("Poor", "100", "orbs", "balance")}, 1);
  auto b = w.credit(-1, 2, "gd_cards", "profile", {ev("Rich", "10000", "orbs", "balance")}, 1);
  EXPECT_EQ(a.credits[0].how, How::kProfileFirstSeen);
  EXPECT_EQ(b.credits[0].how, How::kProfileFirstSeen);
  EXPECT_EQ(w.balance(1), 0);
  // Rich's next profile: his gain waits for him; Mallory still gets nothing.
  auto c = w.credit(-1, 3, "gd_cards", "profile", {ev("Rich", "10050", "orbs", "balance")}, 1);
  EXPECT_TRUE(c.credits[0].unclaimed);
  EXPECT_EQ(c.credits[0].minor, 5000);
  EXPECT_EQ(w.balance(1), 0);
  EXPECT_EQ(w.balance(3), 0) << "a matching display name is not evidence";
  EXPECT_EQ(waiting(), 5000);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(HostileNames, UnknownWinnersWaitAndArePaidOnceAfterVerification) {
  auto r =
      w.credit(-1, 1, "true_mafia", "game_end",
               {ev("Rich", std::nullopt, "money", "win"), ev("Poor", std::nullopt, "money", "win"),
                ev("Zed", std::nullopt, "money", "win")},
               1);
  ASSERT_EQ(r.credits.size(), 3u);
  for (const auto& c : r.credits) {
    EXPECT_TRUE(c.unclaimed);
    EXPECT_EQ(c.user_id, 0);
    EXPECT_EQ(c.minor, 15000);  // 10 money x 15
  }
  EXPECT_EQ(w.balance(1), 0) << "the replier gets nothing for unknown winners";
  EXPECT_EQ(waiting(), 45000);
  // Rich claims his nickname; an admin approves: he is paid exactly once.
  const auto claim = w.bank.claim_link(3, 3, "true_mafia", "Rich");
  EXPECT_EQ(claim.claim.waiting_minor, 15000);
  const auto paid = w.bank.approve_claim(9, claim.claim.id);
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].minor, 15000);
  EXPECT_EQ(w.balance(3), 15000);
  EXPECT_THROW(w.bank.approve_claim(9, claim.claim.id), Error);
  // A later game bot mention of him pays nothing twice, and a repeat of the message nothing.
  auto again = w.credit(-1, 1, "true_mafia", "game_end", {ev("Rich", std::nullopt, "money", "win")},
                        3, {Mention{"Rich", 3, "Rich", ""}});
  EXPECT_TRUE(again.already_processed);
  EXPECT_EQ(w.balance(3), 15000);
  EXPECT_EQ(waiting(), 30000);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(HostileNames, AMentionVerifiesTheNicknameAndPaysWhatWaited) {
  w.credit(-1, 1, "gd_cards", "card_drop", {ev("Zed", "10", "points", "accrual")}, 1);
  EXPECT_EQ(waiting(), 2000);
  // The game bot names Zed with a text_mention of user 4: the link is verified, the waiting
  // credit and this one are his.
  auto r = w.credit(-1, 2, "gd_cards", "card_drop", {ev("Zed", "1", "points", "accrual")}, 1,
                    {Mention{"Zed", 4, "Zed Real", "zed"}});
  ASSERT_EQ(r.payouts.size(), 1u);
  EXPECT_EQ(r.payouts[0].minor, 2000);
  EXPECT_EQ(w.balance(4), 2200);
  EXPECT_EQ(w.balance(1), 0);
  EXPECT_EQ(waiting(), 0);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(HostileNames, ADebitTakesBackFromWhatWaitsOrIsRefused) {
  w.credit(-1, 1, "gd_cards", "profile", {ev("Zed", "100", "orbs", "balance")}, 1);
  w.credit(-1, 2, "gd_cards", "profile", {ev("Zed", "150", "orbs", "balance")}, 1);
  EXPECT_EQ(waiting(), 5000);
  auto down = w.credit(-1, 3, "gd_cards", "profile", {ev("Zed", "120", "orbs", "balance")}, 1);
  EXPECT_EQ(down.credits[0].minor, -3000);
  EXPECT_EQ(waiting(), 2000) << "the game balance went down: so does what waits";
  auto too_far = w.credit(-1, 4, "gd_cards", "profile", {ev("Zed", "50", "orbs", "balance")}, 1);
  EXPECT_EQ(too_far.credits[0].how, How::kRefused);
  EXPECT_EQ(waiting(), 2000);
  // Zed is verified: he gets the net gain, 120 - 100 orbs x 1.
  w.users.upsert({4, "", "Zed4", "ru"});
  const auto claim = w.bank.claim_link(4, 4, "gd_cards", "Zed");
  w.bank.approve_claim(9, claim.claim.id);
  EXPECT_EQ(w.balance(4), 2000);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(HostileNames, UnclaimedCreditsExpireBackToTheMint) {
  w.credit(-1, 1, "shmalala", "fishing", {ev("Zed", "7", "coins", "accrual")}, 1);
  EXPECT_EQ(waiting(), 700);
  w.clock.advance(29LL * 86'400'000'000);
  EXPECT_EQ(w.bank.expire_unclaimed(), 0);
  w.clock.advance(2LL * 86'400'000'000);
  EXPECT_EQ(w.bank.expire_unclaimed(), 1);
  EXPECT_EQ(waiting(), 0);
  EXPECT_EQ(w.bank.unclaimed(9, "expired", 10).size(), 1u);
  w.users.upsert({4, "", "Zed4", "ru"});
  const auto claim = w.bank.claim_link(4, 4, "shmalala", "Zed");
  EXPECT_TRUE(w.bank.approve_claim(9, claim.claim.id).empty()) << "nothing is left to pay";
  EXPECT_EQ(w.balance(4), 0);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(HostileNames, TheLedgerCheckCatchesAnUnclaimedCreditOutOfStepWithItsHold) {
  w.credit(-1, 1, "shmalala", "fishing", {ev("Zed", "7", "coins", "accrual")}, 1);
  EXPECT_TRUE(w.ledger_ok());
  w.t.db->transact([](store::Tx& tx) { tx.exec("UPDATE bank_unclaimed SET status = 'paid'"); });
  const auto report = w.t.db->read([&](store::Tx& tx) { return w.ledger.check(tx); });
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].find("bank unclaimed credits"), std::string::npos)
      << report.problems[0];
}

INSTANTIATE_TEST_SUITE_P(Engines, HostileNames,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

// --- point 3: nickname links that cannot be hijacked

class HostileLinks : public HostileNames {};

TEST_P(HostileLinks, OverwriteThenConfirmLeavesTheVictimsClaimAndPaysTheAttackerNothing) {
  // The victim claims her nickname; the attacker claims it too, then replies to her public game
  // message naming it (before: his /link overwrote hers and his reply "confirmed" it).
  const auto victim = w.bank.claim_link(2, 2, "shmalala", "Hero");
  const auto attacker = w.bank.claim_link(1, 1, "shmalala", "Hero");
  EXPECT_NE(victim.claim.id, attacker.claim.id);
  EXPECT_EQ(attacker.claim.competing, 1);
  auto r = w.credit(-1, 1, "shmalala", "fishing", {ev("Hero", "40", "coins", "accrual")}, 1);
  EXPECT_TRUE(r.credits[0].unclaimed);
  EXPECT_EQ(w.balance(1), 0);
  const auto queue = w.bank.link_claims(9);
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[0].user_id, 2) << "the victim's claim is intact";
  EXPECT_EQ(queue[0].competing, 1);
  EXPECT_EQ(queue[0].waiting_minor, 4000);
  // The admin approves the victim: she is paid, the attacker's claim is rejected.
  EXPECT_EQ(w.bank.approve_claim(9, victim.claim.id).at(0).minor, 4000);
  EXPECT_EQ(w.balance(2), 4000);
  EXPECT_EQ(w.balance(1), 0);
  EXPECT_TRUE(w.bank.link_claims(9).empty());
  EXPECT_EQ(w.bank.link_claims(9, "rejected").at(0).user_id, 1);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(HostileLinks, AClaimNeverReplacesAVerifiedLink) {
  w.credit(-1, 1, "gd_cards", "card_drop", {ev("Hero", "1", "points", "accrual")}, 2,
           {Mention{"Hero", 2, "Poor", ""}});
  try {
    w.bank.claim_link(1, 1, "gd_cards", "Hero");
    ADD_FAILURE() << "claiming a verified nickname must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
  w.credit(-1, 2, "gd_cards", "card_drop", {ev("Hero", "1", "points", "accrual")}, 1);
  EXPECT_EQ(w.balance(2), 400);
  EXPECT_EQ(w.balance(1), 0);
}

TEST_P(HostileLinks, OnlyOtherAdminsDecideClaimsAndNobodyClaimsForAnother) {
  const auto mine = w.bank.claim_link(9, 9, "gd_cards", "Boss");
  EXPECT_THROW(w.bank.approve_claim(9, mine.claim.id), Error) << "not one's own claim";
  EXPECT_THROW(w.bank.reject_claim(9, mine.claim.id, "mine"), Error) << "nor rejecting it";
  const auto other = w.bank.claim_link(2, 2, "gd_cards", "Hero");
  EXPECT_THROW(w.bank.approve_claim(1, other.claim.id), Error) << "players cannot approve";
  EXPECT_THROW(w.bank.link_claims(1), Error);
  EXPECT_THROW(w.bank.claim_link(1, 2, "gd_cards", "Other"), Error) << "only for oneself";
  EXPECT_THROW(w.bank.reject_claim(9, other.claim.id, ""), Error) << "a reason is required";
  EXPECT_EQ(w.bank.reject_claim(9, other.claim.id, "not you").status, "rejected");
  EXPECT_THROW(w.bank.reject_claim(9, other.claim.id, "again"), Error);
  EXPECT_THROW(w.bank.unlink(1, "gd_cards", "Hero"), Error);
}

TEST_P(HostileLinks, NicknamesAreMeasuredInCharactersNotBytes) {
  std::string cyrillic;
  for (int i = 0; i < 64; ++i) cyrillic += "ж";  // 64 characters, 128 bytes
  EXPECT_EQ(w.bank.claim_link(2, 2, "gd_cards", cyrillic).claim.nickname, cyrillic);
  EXPECT_THROW(w.bank.claim_link(2, 2, "gd_cards", cyrillic + "ж"), Error) << "65 characters";
  EXPECT_THROW(w.bank.claim_link(2, 2, "gd_cards", std::string(65, 'a')), Error);
}

TEST_P(HostileLinks, TheMigrationTurnsUnconfirmedLinksIntoClaims) {
  auto fresh = lucas::testing::fresh_database(GetParam());
  ManualClock clock(1'767'225'600'000'000);
  auto old = bank::migrations();
  old.migrations.resize(2);
  store::migrate(*fresh.db, {events::migrations(), ledger::migrations(), users::migrations(), old},
                 clock);
  fresh.db->transact([](store::Tx& tx) {
    tx.exec(
        "INSERT INTO bank_links (game, nickname_key, nickname, user_id, confirmed, created_at)"
        " VALUES ('gd_cards', 'hero', 'Hero', 1, 0, 5), ('gd_cards', 'zed', 'Zed', 2, 1, 6)");
    tx.exec(
        "INSERT INTO bank_player_state (user_id, game, currency, last_balance, carry, updated_at)"
        " VALUES (2, 'gd_cards', 'orbs', '100', 7, 6)");
  });
  store::migrate(
      *fresh.db,
      {events::migrations(), ledger::migrations(), users::migrations(), bank::migrations()}, clock);
  fresh.db->read([](store::Tx& tx) {
    EXPECT_EQ(tx.exec("SELECT user_id, status FROM bank_link_claims").one().str(1), "pending");
    EXPECT_EQ(tx.exec("SELECT COUNT(*) FROM bank_links").one().i64(0), 1);
    EXPECT_EQ(tx.exec("SELECT evidence FROM bank_links").one().str(0), "before-2026-12");
    const auto state = tx.exec("SELECT subject, last_balance, carry FROM bank_player_states").one();
    EXPECT_EQ(state.str(0), "user:2");
    EXPECT_EQ(state.str(1), "100");
  });
}

INSTANTIATE_TEST_SUITE_P(Engines, HostileLinks,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::bank
