// Property tests of the ledger invariants (rapidcheck), on SQLite and PostgreSQL: for any random
// sequence of transfers, holds, posts, voids and repeated idempotency keys,
//  - every currency sums to zero, every balance equals its journal sum (ledger check),
//  - no user balance is ever negative,
//  - a repeated key never moves money twice (balances follow a model that applies each key once),
//  - every operation's outcome (done, replayed, refused) is the one the model predicts.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "tests/ledger/ledger_fixture.h"

namespace lucas::ledger {
namespace {

constexpr int kUsers = 5;

enum class OpKind { kMint, kTransfer, kBoundary, kHold, kPost, kVoid, kRepeatLast };

struct Op {
  OpKind kind;
  int from;        // user index
  int to;          // user index
  int64_t amount;  // minor units
  int key;         // small pool: repeats are likely
  int hold;        // index into holds created so far
};

rc::Gen<Op> gen_op() {
  return rc::gen::build<Op>(
      rc::gen::set(&Op::kind, rc::gen::element(OpKind::kMint, OpKind::kTransfer, OpKind::kTransfer,
                                               OpKind::kBoundary, OpKind::kHold, OpKind::kPost,
                                               OpKind::kVoid, OpKind::kRepeatLast)),
      rc::gen::set(&Op::from, rc::gen::inRange(0, kUsers)),
      rc::gen::set(&Op::to, rc::gen::inRange(0, kUsers)),
      rc::gen::set(&Op::amount, rc::gen::inRange<int64_t>(1, 5'000)),
      rc::gen::set(&Op::key, rc::gen::inRange(0, 8)),
      rc::gen::set(&Op::hold, rc::gen::inRange(0, 6)));
}

enum class Outcome { kDone, kReplayed, kInsufficient, kConflict, kNotPending, kInvalid };

const char* name(Outcome o) {
  switch (o) {
    case Outcome::kDone:
      return "done";
    case Outcome::kReplayed:
      return "replayed";
    case Outcome::kInsufficient:
      return "insufficient";
    case Outcome::kConflict:
      return "conflict";
    case Outcome::kNotPending:
      return "not-pending";
    case Outcome::kInvalid:
      return "invalid";
  }
  return "?";
}

Outcome outcome_of(ErrorCode c) {
  switch (c) {
    case ErrorCode::kInsufficientFunds:
      return Outcome::kInsufficient;
    case ErrorCode::kIdempotencyConflict:
      return Outcome::kConflict;
    case ErrorCode::kHoldNotPending:
      return Outcome::kNotPending;
    default:
      return Outcome::kInvalid;
  }
}

// What the model remembers about a used key: the request it made.
struct KeyUse {
  std::string fingerprint;
};

struct ModelHold {
  int64_t id;
  int source;
  int64_t amount;
  std::string status = "pending";
  std::string resolved_by;  // key
  std::string resolve_fingerprint;
};

void run_sequence(testing::LedgerWorld& w, int64_t user_base, const std::string& prefix,
                  const std::vector<Op>& ops) {
  AccountId mint = w.mint();
  std::vector<AccountId> users;
  for (int i = 0; i < kUsers; ++i) users.push_back(w.user(user_base + i));
  std::vector<int64_t> model(kUsers, 0);
  std::map<std::string, KeyUse> keys;
  std::vector<ModelHold> holds;
  std::function<Outcome()> last;  // re-runs the previous call with the same key

  int serial = 0;
  for (Op op : ops) {
    if (op.kind == OpKind::kBoundary) {
      // Exactly the balance (must pass) or one minor unit more (must be refused): the edge where
      // an off-by-one in the funds check would show.
      op.kind = OpKind::kTransfer;
      op.amount = model[static_cast<size_t>(op.from)] + (op.amount % 2);
      op.key = 100 + ++serial;  // fresh key
      if (op.amount == 0) op.amount = 1;
    }
    const std::string key = prefix + "k" + std::to_string(op.key);
    Outcome expected = Outcome::kDone;
    std::function<Outcome()> call;
    std::function<void()> apply_model;
    auto keyed = [&](const std::string& k, const std::string& fp, bool can_fail,
                     std::function<void()> effect) {
      auto it = keys.find(k);
      if (it != keys.end()) {
        expected = it->second.fingerprint == fp ? Outcome::kReplayed : Outcome::kConflict;
        apply_model = [] {};
      } else if (can_fail) {
        expected = Outcome::kInsufficient;
        apply_model = [] {};
      } else {
        expected = Outcome::kDone;
        apply_model = [&keys, k, fp, effect] {
          keys[k] = KeyUse{fp};
          effect();
        };
      }
    };
    // Runs f (which returns whether the ledger replayed) and classifies the outcome.
    auto guarded = [&w](std::function<bool(store::Tx&)> f) {
      return [&w, f]() -> Outcome {
        try {
          const bool replayed = w.db().transact([&](store::Tx& tx) { return f(tx); });
          return replayed ? Outcome::kReplayed : Outcome::kDone;
        } catch (const Error& e) {
          return outcome_of(e.code());
        }
      };
    };
    switch (op.kind) {
      case OpKind::kMint: {
        const std::string fp = "mint:" + std::to_string(op.to) + ":" + std::to_string(op.amount);
        keyed(key, fp, false, [&model, op] { model[static_cast<size_t>(op.to)] += op.amount; });
        const AccountId to = users[static_cast<size_t>(op.to)];
        call = guarded([&w, key, mint, to, op](store::Tx& tx) {
          return w.ledger.move(tx, key, mint, to, op.amount, kCoin, "test").replayed;
        });
        break;
      }
      case OpKind::kTransfer: {
        if (op.from == op.to) continue;
        const std::string fp = "move:" + std::to_string(op.from) + ":" + std::to_string(op.to) +
                               ":" + std::to_string(op.amount);
        const bool short_of_money = model[static_cast<size_t>(op.from)] < op.amount;
        keyed(key, fp, short_of_money, [&model, op] {
          model[static_cast<size_t>(op.from)] -= op.amount;
          model[static_cast<size_t>(op.to)] += op.amount;
        });
        const AccountId from = users[static_cast<size_t>(op.from)];
        const AccountId to = users[static_cast<size_t>(op.to)];
        call = guarded([&w, key, from, to, op](store::Tx& tx) {
          return w.ledger.move(tx, key, from, to, op.amount, kCoin, "test").replayed;
        });
        break;
      }
      case OpKind::kHold: {
        const std::string fp = "hold:" + std::to_string(op.from) + ":" + std::to_string(op.amount);
        const bool short_of_money = model[static_cast<size_t>(op.from)] < op.amount;
        keyed(key, fp, short_of_money, [&model, &holds, op] {
          model[static_cast<size_t>(op.from)] -= op.amount;
          holds.push_back(ModelHold{0, op.from, op.amount, "pending", "", ""});
        });
        const AccountId from = users[static_cast<size_t>(op.from)];
        call = [&w, &holds, key, from, op]() -> Outcome {
          try {
            auto h = w.db().transact([&](store::Tx& tx) {
              return w.ledger.hold(tx, key, from, op.amount, kCoin, "test");
            });
            if (h.replayed) return Outcome::kReplayed;
            holds.back().id = h.id;  // the model pushed it just before (apply_model runs first)
            return Outcome::kDone;
          } catch (const Error& e) {
            return outcome_of(e.code());
          }
        };
        break;
      }
      case OpKind::kPost:
      case OpKind::kVoid: {
        if (holds.empty()) continue;
        ModelHold& h = holds[static_cast<size_t>(op.hold) % holds.size()];
        const bool post = op.kind == OpKind::kPost;
        const std::string rkey = prefix + "r" + std::to_string(++serial);
        const int64_t paid = std::min(op.amount, h.amount);
        expected = h.status == "pending" ? Outcome::kDone : Outcome::kNotPending;
        apply_model = [&model, &h, &keys, post, op, paid, rkey] {
          if (h.status != "pending") return;
          h.status = post ? "posted" : "voided";
          h.resolved_by = rkey;
          keys[rkey] = KeyUse{"resolve"};
          if (post) {
            model[static_cast<size_t>(op.to)] += paid;
            model[static_cast<size_t>(h.source)] += h.amount - paid;
          } else {
            model[static_cast<size_t>(h.source)] += h.amount;
          }
        };
        const int64_t hold_id = h.id;
        const AccountId to = users[static_cast<size_t>(op.to)];
        call = guarded([&w, rkey, hold_id, to, paid, post](store::Tx& tx) {
          return post ? w.ledger.post(tx, rkey, hold_id, {{to, paid}}, "test").replayed
                      : w.ledger.void_hold(tx, rkey, hold_id, "test").replayed;
        });
        // Repeating this exact call later must replay, never move twice.
        last = [&w, rkey, hold_id, to, paid, post]() -> Outcome {
          try {
            auto t = w.db().transact([&](store::Tx& tx) {
              return post ? w.ledger.post(tx, rkey, hold_id, {{to, paid}}, "test")
                          : w.ledger.void_hold(tx, rkey, hold_id, "test");
            });
            return t.replayed ? Outcome::kReplayed : Outcome::kDone;
          } catch (const Error& e) {
            return outcome_of(e.code());
          }
        };
        break;
      }
      case OpKind::kBoundary:
        continue;  // rewritten into a transfer above
      case OpKind::kRepeatLast: {
        if (!last) continue;
        const Outcome got = last();
        RC_ASSERT(got == Outcome::kReplayed || got == Outcome::kNotPending);
        continue;
      }
    }
    if (op.kind != OpKind::kPost && op.kind != OpKind::kVoid) last = nullptr;
    if (apply_model) apply_model();
    const Outcome got = call();
    if (got != expected) {
      RC_FAIL(std::string("op outcome ") + name(got) + ", model expected " + name(expected));
    }
  }
  for (int i = 0; i < kUsers; ++i) {
    const int64_t actual = w.balance(users[static_cast<size_t>(i)]);
    RC_ASSERT(actual >= 0);
    RC_ASSERT(actual == model[static_cast<size_t>(i)]);
  }
  const auto report = w.check();
  if (!report.ok()) RC_FAIL("ledger check failed: " + testing::check_text(report));
}

void property_for(store::Engine engine) {
  testing::LedgerWorld w(engine);
  int64_t user_base = 1'000;
  int run = 0;
  const auto result = rc::check("ledger invariants hold for any operation sequence", [&](void) {
    const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
    user_base += 100;
    run_sequence(w, user_base, "c" + std::to_string(++run) + "-", ops);
  });
  EXPECT_TRUE(result);
}

TEST(LedgerProperty, InvariantsHoldForAnySequenceSqlite) {
  property_for(store::Engine::kSqlite);
}

TEST(LedgerProperty, InvariantsHoldForAnySequencePostgres) {
  property_for(store::Engine::kPostgres);
}

}  // namespace
}  // namespace lucas::ledger
