// Nickname links and the credits that wait for them: who a named player is, on evidence only.
#include <algorithm>

#include "base/money.h"
#include "features/bank/bank.h"
#include "features/bank/bank_store.h"

namespace lucas::bank {
namespace {

void require_status(const std::string& status, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (status == a) return;
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw Error(ErrorCode::kInvalidArgument, "status is one of " + list, {{"status", status}});
}

void require_limit(int limit) {
  if (limit < 1 || limit > 200) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 200", {{"limit", limit}});
  }
}

}  // namespace

BankService::ClaimResult BankService::claim_link(int64_t actor_id, int64_t user_id,
                                                 const std::string& game,
                                                 const std::string& nickname) {
  if (actor_id != user_id) {
    throw Error(ErrorCode::kForbidden, "a nickname is claimed by its player themself");
  }
  const std::string key = checked_nickname_key(game, nickname);
  return db_.transact([&](store::Tx& tx) {
    if (!users_.find(tx, user_id)) {
      throw Error(ErrorCode::kNotFound, "user " + std::to_string(user_id) + " not found");
    }
    ClaimResult r;
    if (auto link = sql::find_link(tx, game, key)) {
      if (link->user_id != user_id) {
        throw Error(ErrorCode::kConflict,
                    "this nickname is linked to another player; an admin can review it",
                    {{"game", game}});
      }
      r.status = ClaimStatus::kAlreadyLinked;
      r.claim.game = game;
      r.claim.nickname = link->nickname;
      r.claim.user_id = user_id;
      r.claim.status = "approved";
      r.claim.note = link->evidence;
      r.claim.created_at = link->verified_at;
      return r;
    }
    if (auto existing = sql::pending_claim(tx, game, key, user_id)) {
      r.status = ClaimStatus::kAlreadyClaimed;
      r.claim = *existing;
    } else {
      r.claim.game = game;
      r.claim.nickname = nickname;
      r.claim.user_id = user_id;
      r.claim.status = "pending";
      r.claim.created_at = clock_.now();
      r.claim.id = sql::insert_claim(tx, r.claim, key);
      if (audit_ != nullptr) {
        audit_->append(tx, audit::entry(user_id, "bank.link_claim", "link:" + game + "/" + key,
                                        {{"claim", r.claim.id}, {"nickname", nickname}}));
      }
    }
    r.claim.competing = static_cast<int>(sql::competing_claims(tx, game, key, user_id).size());
    r.claim.waiting_minor = sql::waiting_minor(tx, game, key);
    return r;
  });
}

std::vector<LinkClaim> BankService::link_claims(int64_t actor_id, const std::string& status,
                                                int limit, int64_t after_id) {
  require_status(status, {"pending", "approved", "rejected"});
  require_limit(limit);
  return db_.read([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "see nickname claims");
    return sql::list_claims(tx, status, limit, after_id);
  });
}

void BankService::require_not_own_claim(store::Tx& tx, const LinkClaim& claim, int64_t actor_id) {
  if (claim.user_id != actor_id) return;
  const auto actor = users_.find(tx, actor_id);
  if (!actor || actor->role < users::Role::kOwner) {
    throw Error(ErrorCode::kForbidden, "another admin must decide your own claim");
  }
}

std::vector<Payout> BankService::approve_claim(int64_t actor_id, int64_t claim_id) {
  return db_.transact([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "approve nickname claims");
    const auto claim = sql::find_claim(tx, claim_id, true);
    if (!claim) {
      throw Error(ErrorCode::kNotFound, "claim " + std::to_string(claim_id) + " not found");
    }
    require_not_own_claim(tx, *claim, actor_id);
    if (claim->status != "pending") {
      throw Error(ErrorCode::kConflict,
                  "claim " + std::to_string(claim_id) + " was already " + claim->status,
                  {{"status", claim->status}});
    }
    const std::string key = sql::claim_key(tx, claim_id);
    if (auto link = sql::find_link(tx, claim->game, key); link && link->user_id != claim->user_id) {
      throw Error(ErrorCode::kConflict, "the nickname is linked to another player: unlink it first",
                  {{"user_id", link->user_id}});
    } else if (!link) {
      sql::put_link(tx,
                    Link{claim->game, claim->nickname, claim->user_id,
                         "admin:" + std::to_string(actor_id), clock_.now()},
                    key, clock_.now());
    }
    const Micros now = clock_.now();
    sql::decide_claim(tx, claim_id, "approved", actor_id, "approved by an admin", now);
    for (const auto& other : sql::competing_claims(tx, claim->game, key, claim->user_id)) {
      sql::decide_claim(tx, other.id, "rejected", actor_id, "another claim was approved", now);
    }
    std::vector<Payout> paid;
    if (auto p = settle(tx, claim->game, key, claim->user_id); p.credits > 0) paid.push_back(p);
    if (audit_ != nullptr) {
      audit_->append(tx,
                     audit::entry(actor_id, "admin.link_approve", "link:" + claim->game + "/" + key,
                                  {{"claim", claim_id},
                                   {"user_id", claim->user_id},
                                   {"nickname", claim->nickname},
                                   {"paid_minor", paid.empty() ? 0 : paid.front().minor}}));
    }
    return paid;
  });
}

LinkClaim BankService::reject_claim(int64_t actor_id, int64_t claim_id, const std::string& reason) {
  if (reason.empty() || reason.size() > 200) {
    throw Error(ErrorCode::kInvalidArgument, "a reason of 1-200 characters is required");
  }
  return db_.transact([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "reject nickname claims");
    auto claim = sql::find_claim(tx, claim_id, true);
    if (!claim) {
      throw Error(ErrorCode::kNotFound, "claim " + std::to_string(claim_id) + " not found");
    }
    require_not_own_claim(tx, *claim, actor_id);
    if (claim->status != "pending") {
      throw Error(ErrorCode::kConflict,
                  "claim " + std::to_string(claim_id) + " was already " + claim->status,
                  {{"status", claim->status}});
    }
    const Micros now = clock_.now();
    sql::decide_claim(tx, claim_id, "rejected", actor_id, reason, now);
    if (audit_ != nullptr) {
      audit_->append(
          tx, audit::entry(actor_id, "admin.link_reject",
                           "link:" + claim->game + "/" + sql::claim_key(tx, claim_id),
                           {{"claim", claim_id}, {"user_id", claim->user_id}, {"reason", reason}}));
    }
    claim->status = "rejected";
    claim->note = reason;
    claim->decided_by = actor_id;
    claim->decided_at = now;
    return *claim;
  });
}

void BankService::unlink(int64_t actor_id, const std::string& game, const std::string& nickname) {
  const std::string key = checked_nickname_key(game, nickname);
  db_.transact([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "remove nickname links");
    const auto link = sql::find_link(tx, game, key);
    if (!link || !sql::delete_link(tx, game, key)) {
      throw Error(ErrorCode::kNotFound, "no verified link for this nickname", {{"game", game}});
    }
    if (audit_ != nullptr) {
      audit_->append(tx, audit::entry(actor_id, "admin.unlink", "link:" + game + "/" + key,
                                      {{"user_id", link->user_id},
                                       {"nickname", link->nickname},
                                       {"evidence", link->evidence}}));
    }
  });
}

std::vector<UnclaimedCredit> BankService::unclaimed(int64_t actor_id, const std::string& status,
                                                    int limit, int64_t after_id) {
  require_status(status, {"pending", "paid", "expired", "spent"});
  require_limit(limit);
  return db_.read([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "see unclaimed credits");
    return sql::list_unclaimed(tx, status, limit, after_id);
  });
}

BankService::PlayerLinks BankService::links_of(int64_t actor_id, int64_t user_id) {
  return db_.read([&](store::Tx& tx) {
    if (actor_id != user_id) {
      const auto actor = users_.find(tx, actor_id);
      if (actor_id != 0 && (!actor || actor->role < users::Role::kModerator)) {
        throw Error(ErrorCode::kForbidden, "only the player or a moderator may see their links");
      }
    }
    PlayerLinks out;
    out.links = sql::links_of(tx, user_id);
    out.claims = sql::claims_of(tx, user_id, 20);
    for (const auto& c : out.claims) {
      if (c.status != "pending") continue;
      for (auto& u : sql::pending_unclaimed(tx, c.game, sql::claim_key(tx, c.id), false)) {
        out.waiting.push_back(std::move(u));
      }
    }
    return out;
  });
}

int64_t BankService::expire_unclaimed() {
  int64_t total = 0;
  for (;;) {
    const int64_t n = db_.transact([&](store::Tx& tx) {
      const Micros now = clock_.now();
      const auto due = sql::expired_unclaimed(tx, now, 200);
      for (const auto& u : due) {
        ledger_.void_hold(tx, "bank:expire:" + std::to_string(u.id), u.hold_id,
                          "bank.unclaimed_expired",
                          {{"game", u.game}, {"player", u.nickname}, {"unclaimed", u.id}});
        sql::settle_unclaimed(tx, u.id, "expired", std::nullopt, now);
      }
      return static_cast<int64_t>(due.size());
    });
    total += n;
    if (n < 200) return total;
  }
}

bool BankService::import_link(int64_t user_id, const std::string& game,
                              const std::string& nickname) {
  const std::string key = checked_nickname_key(game, nickname);
  return db_.transact([&](store::Tx& tx) {
    if (auto existing = sql::find_link(tx, game, key)) {
      if (existing->user_id != user_id) {
        throw Error(ErrorCode::kConflict, "the nickname is linked to another player");
      }
      return false;
    }
    sql::put_link(tx, Link{game, nickname, user_id, "legacy", clock_.now()}, key, clock_.now());
    return true;
  });
}

void BankService::verify_by_mention(store::Tx& tx, const std::string& game,
                                    const std::string& nickname, const std::string& name_key,
                                    int64_t user_id, const std::string& result,
                                    CreditReport& report) {
  if (name_key.empty() || sql::find_link(tx, game, name_key)) return;
  const Micros now = clock_.now();
  sql::put_link(tx, Link{game, nickname, user_id, "mention", now}, name_key, now);
  if (auto own = sql::pending_claim(tx, game, name_key, user_id)) {
    sql::decide_claim(tx, own->id, "approved", 0, "the game bot mentioned the player", now);
  }
  for (const auto& other : sql::competing_claims(tx, game, name_key, user_id)) {
    sql::decide_claim(tx, other.id, "rejected", 0,
                      "the game bot mentioned another player under this nickname", now);
  }
  const Payout paid = settle(tx, game, name_key, user_id);
  if (paid.credits > 0) report.payouts.push_back(paid);
  if (audit_ != nullptr) {
    audit_->append(tx, audit::entry(0, "bank.link_verified", "link:" + game + "/" + name_key,
                                    {{"user_id", user_id},
                                     {"nickname", nickname},
                                     {"evidence", "mention"},
                                     {"result", result.substr(0, 16)},
                                     {"paid_minor", paid.minor}}));
  }
}

Payout BankService::settle(store::Tx& tx, const std::string& game, const std::string& name_key,
                           int64_t user_id) {
  Payout p{game, "", user_id, 0, 0};
  const auto waiting = sql::pending_unclaimed(tx, game, name_key, false);
  if (waiting.empty()) return p;
  const auto account = ledger_.user_account(tx, user_id, ledger::kCoin);
  const Micros now = clock_.now();
  for (const auto& u : waiting) {
    ledger_.post(tx, "bank:claim:" + std::to_string(u.id), u.hold_id, {{account, u.minor}},
                 "bank.claim", {{"game", game}, {"player", u.nickname}, {"unclaimed", u.id}});
    sql::settle_unclaimed(tx, u.id, "paid", user_id, now);
    p.nickname = u.nickname;
    p.minor = checked_add(p.minor, u.minor);
    ++p.credits;
  }
  return p;
}

bool BankService::take_back(store::Tx& tx, const std::string& game, const std::string& name_key,
                            int64_t minor, const std::string& key) {
  const auto waiting = sql::pending_unclaimed(tx, game, name_key, true);
  int64_t total = 0;
  for (const auto& u : waiting) total = checked_add(total, u.minor);
  if (total < minor) return false;
  const Micros now = clock_.now();
  const auto mint = ledger_.system_account(tx, "mint:" + game, ledger::kCoin, true);
  int64_t left = minor;
  for (const auto& u : waiting) {
    if (left == 0) break;
    // The whole hold goes back to the mint; what the debit does not take waits again, with the
    // same expiry.
    ledger_.void_hold(tx, key + ":void:" + std::to_string(u.id), u.hold_id, "bank.unclaimed_debit",
                      {{"game", game}, {"player", u.nickname}, {"unclaimed", u.id}});
    sql::settle_unclaimed(tx, u.id, "spent", std::nullopt, now);
    const int64_t taken = std::min(left, u.minor);
    left -= taken;
    if (taken < u.minor) {
      UnclaimedCredit rest = u;
      rest.minor = u.minor - taken;
      rest.hold_id =
          ledger_
              .hold(tx, key + ":rest:" + std::to_string(u.id), mint, rest.minor, ledger::kCoin,
                    "bank.unclaimed", {{"game", game}, {"player", u.nickname}, {"rest_of", u.id}})
              .id;
      rest.created_at = now;
      sql::insert_unclaimed(tx, rest, name_key);
    }
  }
  return true;
}

std::vector<std::string> BankService::check_unclaimed(store::Tx& tx) {
  // Each unclaimed credit is a hold from the game's mint: pending while it waits, posted to the
  // player when paid, voided when it expired or a debit took it back.
  std::vector<std::string> problems;
  int64_t after = 0;
  for (;;) {
    const auto rows = sql::all_unclaimed(tx, after, 1000);
    for (const auto& u : rows) {
      after = u.id;
      const auto hold = ledger_.get_hold(tx, u.hold_id);
      const std::string want = u.status == "pending" ? "pending"
                               : u.status == "paid"  ? "posted"
                                                     : "voided";
      if (hold.status != want || hold.amount != u.minor) {
        problems.push_back("unclaimed credit " + std::to_string(u.id) + " is " + u.status + " (" +
                           std::to_string(u.minor) + ") but its hold " + std::to_string(u.hold_id) +
                           " is " + hold.status + " (" + std::to_string(hold.amount) + ")");
        if (problems.size() >= 20) return problems;
      }
    }
    if (rows.size() < 1000) return problems;
  }
}

}  // namespace lucas::bank
