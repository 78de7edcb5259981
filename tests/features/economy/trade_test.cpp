// Trading on SQLite and PostgreSQL: an offer holds the initiator's side, acceptance swaps both
// sides atomically with the 5 % fee, cancel / decline / expiry return everything; the recipient
// is notified on the WebSocket and by the bot; hostile players (someone else's trade, the
// initiator accepting, a changed offer, a non-tradeable item, no funds, reused keys, numbered
// units not theirs) are refused with nothing moved; scam flags carry their evidence; 50
// concurrent accepts and cancels of one offer settle it once; and the ledger check (coins,
// items and numbered instances) passes after everything.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/features/economy/market_fixture.h"

namespace lucas::economy {
namespace {

using testing::error_of;
using testing::reason;
using users::Actor;
using users::Role;

constexpr Micros kDay = 86'400'000'000;

class TradeTest : public ::testing::TestWithParam<store::Engine>, protected testing::Market {
 protected:
  TradeTest() : Market(GetParam()) {
    for (const int64_t id : {101, 102, 103}) {
      users.upsert({id, "p" + std::to_string(id), "Player " + std::to_string(id), "ru"});
    }
    w.clock.advance(30 * kDay);  // nobody is a new account any more
    dice = item("dice", 12'000);
    crown = item("crown", 50'000, 5, true);
    medal = item("medal", 1'000);
    ItemDraft bound = testing::item_draft("soulbound", 2'000);
    bound.tradeable = false;
    soulbound = economy.create_item(Actor::console_operator(), bound);
  }
  int64_t fees() { return system_coins("fees:trade"); }
  std::vector<std::string> notifications(int64_t user) {
    std::vector<std::string> types;
    for (const auto& n : notifier.missed(user, 0, 100)) types.push_back(n.type);
    return types;
  }
  static TradeDraft offer(int64_t to, TradeSide give, TradeSide want) {
    return TradeDraft{to, std::move(give), std::move(want), "", false};
  }

  Item dice, crown, medal, soulbound;
};

TEST_P(TradeTest, AnOfferHoldsAndAcceptanceSwapsBothSidesWithTheFee) {
  buy(101, dice, 2);
  give(102, 20'000);
  const int64_t before_101 = coins(101);
  // 101 gives 2 dice, wants 150.00 coins.
  const Trade t =
      trades.offer(player(101), offer(102, {0, {{dice.id, 2, {}, "", ""}}}, {15'000, {}}), "k1");
  EXPECT_EQ(t.state, "pending");
  EXPECT_EQ(t.version, 1);
  EXPECT_EQ(t.give_value, 24'000);
  EXPECT_EQ(t.want_value, 15'000);
  EXPECT_EQ(units(101, dice), 0);  // held in escrow
  EXPECT_EQ(notifications(102), std::vector<std::string>{"trade.offered"});
  const auto keys = dm_keys(102);
  ASSERT_EQ(keys, std::vector<std::string>{"trade_dm_offered"});
  // The bot message renders in the recipient's language with Accept/Decline buttons.
  const auto out = telegram::render_direct(telegram::direct_of(dms.back()), "ru");
  EXPECT_NE(out.text.find("вы получите: 2 × Предмет dice"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("вы отдадите: 150.00 монет"), std::string::npos) << out.text;
  EXPECT_EQ(out.reply_markup["inline_keyboard"][0][0]["callback_data"],
            "/tradeok " + std::to_string(t.id) + " 1");

  const Trade done = trades.accept(player(102), t.id, 1);
  EXPECT_EQ(done.state, "accepted");
  EXPECT_EQ(units(102, dice), 2);
  EXPECT_EQ(coins(102), 5'000);
  EXPECT_EQ(coins(101), before_101 + 15'000 - 750);  // 5 % of 150.00
  EXPECT_EQ(fees(), 750);
  EXPECT_EQ(done.want_fee, 750);
  EXPECT_EQ(dm_keys(101), std::vector<std::string>{"trade_dm_accepted"});
  // A repeat of the accept moves nothing.
  const Trade again = trades.accept(player(102), t.id, 1);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(coins(102), 5'000);
  expect_balanced();
}

TEST_P(TradeTest, NumberedUnitsAreHeldAndChangeOwnerOnlyInTheSwap) {
  buy(101, crown, 3);  // № 1, 2, 3
  buy(102, crown, 1);  // № 4
  const Trade t = trades.offer(
      player(101), offer(102, {0, {{crown.id, 1, {2}, "", ""}}}, {0, {{crown.id, 1, {}, "", ""}}}),
      "k");
  EXPECT_EQ(t.want.items[0].serials, std::vector<int64_t>{});
  expect_balanced();  // № 2 is held, the invariant knows
  // № 2 cannot go into a second offer while held.
  TradeDraft again = offer(103, {0, {{crown.id, 1, {2}, "", ""}}}, {100, {}});
  again.confirm_low_value = true;
  EXPECT_EQ(reason(error_of([&] { trades.offer(player(101), again, "k2"); })), "serial_not_owned");
  const Trade done = trades.accept(player(102), t.id, 1);
  EXPECT_EQ(serials(101, crown), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(serials(102, crown), std::vector<int64_t>{2});
  EXPECT_EQ(done.want.items[0].serials, std::vector<int64_t>{4});
  expect_balanced();
}

TEST_P(TradeTest, CancelDeclineAndExpiryReturnEverything) {
  buy(101, crown, 1);
  give(101, 10'000);
  const int64_t coins_before = coins(101);
  const TradeSide side{5'000, {{crown.id, 1, {}, "", ""}}};
  const Trade a = trades.offer(player(101), offer(102, side, {6'000, {}}), "a");
  EXPECT_EQ(coins(101), coins_before - 5'000);
  EXPECT_EQ(trades.cancel(player(101), a.id).state, "cancelled");
  EXPECT_EQ(coins(101), coins_before);
  EXPECT_EQ(serials(101, crown), std::vector<int64_t>{1});

  const Trade b = trades.offer(player(101), offer(102, side, {6'000, {}}), "b");
  EXPECT_EQ(trades.cancel(player(102), b.id).state, "declined");
  EXPECT_EQ(dm_keys(101), std::vector<std::string>{"trade_dm_declined"});
  EXPECT_TRUE(trades.cancel(player(102), b.id).replayed);  // a repeat changes nothing

  const Trade c = trades.offer(player(101), offer(102, side, {6'000, {}}), "c");
  w.clock.advance(kDay);
  give(102, 6'000);
  const Error late = error_of([&] { trades.accept(player(102), c.id, 1); });
  EXPECT_EQ(reason(late), "expired");
  EXPECT_EQ(coins(102), 6'000);
  EXPECT_EQ(coins(101), coins_before);
  EXPECT_EQ(trades.get(player(101), c.id).state, "expired");  // the refusal committed the expiry

  const Trade d = trades.offer(player(101), offer(102, side, {6'000, {}}), "d");
  w.clock.advance(kDay);
  EXPECT_EQ(trades.expire(), 1);
  EXPECT_EQ(trades.expire(), 0);
  EXPECT_EQ(trades.get(player(102), d.id).state, "expired");
  EXPECT_EQ(coins(101), coins_before);
  EXPECT_EQ(units(101, crown), 1);
  expect_balanced();
  // History: finished trades go after 30 days; the ledger keeps the transfers.
  w.clock.advance(31 * kDay);
  EXPECT_EQ(trades.prune(), 4);
  EXPECT_EQ(trades.list(player(101), {}).size(), 0u);
  expect_balanced();
}

TEST_P(TradeTest, HostilePlayersAreRefusedAndNothingMoves) {
  buy(101, dice, 1);
  give(101, 1'000);
  give(102, 1'000);
  const Trade t =
      trades.offer(player(101), offer(102, {0, {{dice.id, 1, {}, "", ""}}}, {10'000, {}}), "k");
  const auto snapshot = [&] {
    return std::vector<int64_t>{coins(101), coins(102), coins(103), units(101, dice),
                                units(102, dice)};
  };
  const auto before = snapshot();
  // A stranger cannot see, accept or cancel it; the initiator cannot accept their own offer.
  EXPECT_EQ(error_of([&] { trades.get(player(103), t.id); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { trades.accept(player(103), t.id, 1); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { trades.cancel(player(103), t.id); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { trades.accept(player(101), t.id, 1); }).code(), ErrorCode::kForbidden);
  // The recipient cannot pay: nothing moves, the offer stays open.
  EXPECT_EQ(error_of([&] { trades.accept(player(102), t.id, 1); }).code(),
            ErrorCode::kInsufficientFunds);
  EXPECT_EQ(trades.get(player(102), t.id).state, "pending");
  // Non-tradeable items, empty trades, oneself, bad amounts, a repeated item, an unknown user.
  buy(101, soulbound, 1);
  EXPECT_EQ(reason(error_of([&] {
              trades.offer(player(101), offer(102, {0, {{soulbound.id, 1, {}, "", ""}}}, {}), "s");
            })),
            "not_tradeable");
  EXPECT_EQ(error_of([&] { trades.offer(player(101), offer(102, {}, {}), "e"); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] {
              trades.offer(player(101), offer(101, {100, {}}, {}), "o");
            }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] {
              trades.offer(player(101), offer(102, {50, {}}, {100, {}}), "c");
            }).code(),
            ErrorCode::kInvalidArgument);  // under 1 coin
  EXPECT_EQ(error_of([&] {
              trades.offer(player(101), offer(102, {-100, {}}, {100, {}}), "n");
            }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] {
              trades.offer(player(101),
                           offer(102, {0, {{medal.id, 1, {}, "", ""}, {medal.id, 1, {}, "", ""}}},
                                 {100, {}}),
                           "r");
            }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] {
              trades.offer(player(101), offer(999, {100, {}}, {100, {}}), "u");
            }).code(),
            ErrorCode::kNotFound);
  // Giving what one does not have.
  EXPECT_EQ(
      error_of([&] {
        trades.offer(player(101), offer(102, {0, {{medal.id, 5, {}, "", ""}}}, {500, {}}), "m");
      }).code(),
      ErrorCode::kInsufficientFunds);
  // A repeat of the key with other items of the same count is another request, not a replay.
  buy(101, medal, 1);
  EXPECT_EQ(
      error_of([&] {
        trades.offer(player(101), offer(102, {0, {{medal.id, 1, {}, "", ""}}}, {10'000, {}}), "k");
      }).code(),
      ErrorCode::kIdempotencyConflict);
  EXPECT_TRUE(
      trades.offer(player(101), offer(102, {0, {{dice.id, 1, {}, "", ""}}}, {10'000, {}}), "k")
          .replayed);
  // The same key for another offer; the console is not a player; an anonymous caller.
  EXPECT_EQ(error_of([&] {
              trades.offer(player(101), offer(103, {100, {}}, {100, {}}), "k");
            }).code(),
            ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(error_of([&] {
              trades.offer(Actor::console_operator(), offer(102, {100, {}}, {100, {}}), "x");
            }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { trades.list(Actor::anonymous(), {}); }).code(),
            ErrorCode::kUnauthorized);
  // A token without trade:write cannot offer.
  Actor scoped = player(101);
  scoped.scopes = std::vector<std::string>{"trade:read"};
  EXPECT_EQ(error_of([&] {
              trades.offer(scoped, offer(102, {100, {}}, {100, {}}), "z");
            }).code(),
            ErrorCode::kInsufficientScope);
  EXPECT_EQ(snapshot()[2], before[2]);
  EXPECT_EQ(snapshot()[1], before[1]);
  EXPECT_EQ(units(102, dice), 0);
  // An item made non-tradeable after the offer is refused at acceptance.
  ItemDraft lock;
  lock.tradeable = false;
  economy.update_item(Actor::console_operator(), dice.id, lock);
  give(102, 10'000);
  EXPECT_EQ(reason(error_of([&] { trades.accept(player(102), t.id, 1); })), "not_tradeable");
  EXPECT_EQ(units(102, dice), 0);
  expect_balanced();
}

TEST_P(TradeTest, AnOfferChangedAfterItWasSeenNeedsAFreshAccept) {
  buy(101, dice, 1);
  give(102, 20'000);
  const Trade t =
      trades.offer(player(101), offer(102, {0, {{dice.id, 1, {}, "", ""}}}, {10'000, {}}), "k");
  EXPECT_EQ(trades.get(player(102), t.id).seen_version, 1);  // the recipient opened it
  // The initiator swaps the die for nothing... and asks more.
  buy(101, medal, 1);
  const Trade changed =
      trades.edit(player(101), t.id, offer(102, {0, {{medal.id, 1, {}, "", ""}}}, {9'000, {}}));
  EXPECT_EQ(changed.version, 2);
  EXPECT_EQ(units(101, dice), 1);  // the old hold went back
  EXPECT_EQ(units(101, medal), 0);
  const auto flags = changed.flags;
  EXPECT_NE(std::find(flags.begin(), flags.end(), "changed_after_seen"), flags.end());
  const Error stale = error_of([&] { trades.accept(player(102), t.id, 1); });
  EXPECT_EQ(reason(stale), "offer_changed");
  EXPECT_EQ(stale.details().value("version", 0), 2);
  EXPECT_EQ(coins(102), 20'000);
  // Only the initiator edits.
  EXPECT_EQ(error_of([&] {
              trades.edit(player(102), t.id, offer(101, {100, {}}, {}));
            }).code(),
            ErrorCode::kForbidden);
  trades.accept(player(102), t.id, 2);
  EXPECT_EQ(units(102, medal), 1);
  expect_balanced();
}

TEST_P(TradeTest, LopsidedTradesNeedConfirmationAndAreFlaggedWithEvidence) {
  buy(101, dice, 3);
  // 101 gives a die (120.00) for 1.00: under 10 %.
  const TradeDraft cheap = offer(102, {0, {{dice.id, 1, {}, "", ""}}}, {100, {}});
  const Error e = error_of([&] { trades.offer(player(101), cheap, "k"); });
  EXPECT_EQ(reason(e), "confirm_low_value");
  EXPECT_EQ(e.details().value("give_value", 0), 12'000);
  EXPECT_EQ(units(101, dice), 3);
  TradeDraft sure = cheap;
  sure.confirm_low_value = true;
  give(102, 300);
  for (int i = 0; i < 3; ++i) {
    const Trade t = trades.offer(player(101), sure, "sure" + std::to_string(i));
    EXPECT_NE(std::find(t.flags.begin(), t.flags.end(), "low_value"), t.flags.end());
    trades.accept(player(102), t.id, 1);
  }
  // The third one-sided trade to the same player is flagged as a pattern; staff see it.
  const auto flags = trades.flags(Actor::user(900, Role::kAdmin));
  ASSERT_FALSE(flags.empty());
  EXPECT_EQ(flags.front().kind, "one_sided_repeat");
  EXPECT_EQ(flags.front().evidence["beneficiary"], 102);
  EXPECT_EQ(flags.front().evidence["earlier_trades"].size(), 2u);
  EXPECT_EQ(error_of([&] { trades.flags(player(101)); }).code(), ErrorCode::kForbidden);
  // The recipient giving far more must confirm too.
  give(103, 100'000);
  const Trade ask = trades.offer(player(101), offer(103, {100, {}}, {50'000, {}}), "ask");
  EXPECT_EQ(reason(error_of([&] { trades.accept(player(103), ask.id, 1); })), "confirm_low_value");
  EXPECT_EQ(coins(103), 100'000);
  trades.accept(player(103), ask.id, 1, true);
  EXPECT_EQ(coins(103), 100'000 - 50'000 + 100 - 5);
  expect_balanced();
}

TEST_P(TradeTest, ABrandNewAccountIsFlagged) {
  users.upsert({104, "fresh", "Fresh", "ru"});
  give(101, 1'000);
  TradeDraft gift = offer(104, {500, {}}, {});  // 5.00 for nothing: confirmed
  gift.confirm_low_value = true;
  const Trade t = trades.offer(player(101), gift, "k");
  EXPECT_NE(std::find(t.flags.begin(), t.flags.end(), "new_account"), t.flags.end());
  const auto flags = trades.flags(Actor::console_operator());
  const auto it = std::find_if(flags.begin(), flags.end(),
                               [](const TradeFlag& f) { return f.kind == "new_account"; });
  ASSERT_NE(it, flags.end());
  EXPECT_EQ(it->evidence["user"], 104);
}

TEST_P(TradeTest, ConcurrentAcceptsAndCancelsSettleAnOfferOnce) {
  buy(101, crown, 2);
  give(102, 100'000);
  const Trade t =
      trades.offer(player(101), offer(102, {0, {{crown.id, 2, {}, "", ""}}}, {20'000, {}}), "k");
  std::atomic<int> accepted{0}, cancelled{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      try {
        if (i % 5 == 4) {
          const Trade c = trades.cancel(player(i % 2 == 0 ? 101 : 102), t.id);
          if (!c.replayed) ++cancelled;
        } else {
          const Trade a = trades.accept(player(102), t.id, 1);
          if (!a.replayed) ++accepted;
        }
      } catch (const Error&) {
        ++refused;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted + cancelled, 1);
  const Trade end = trades.get(player(101), t.id);
  if (end.state == "accepted") {
    EXPECT_EQ(units(102, crown), 2);
    EXPECT_EQ(coins(102), 80'000);
  } else {
    EXPECT_EQ(units(101, crown), 2);
    EXPECT_EQ(coins(102), 100'000);
  }
  expect_balanced();
}

INSTANTIATE_TEST_SUITE_P(Engines, TradeTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::economy
