#include "features/bank/bank.h"

#include <algorithm>

#include <map>
#include <set>

#include "base/ids.h"
#include "base/money.h"
#include "base/names.h"
#include "features/bank/bank_store.h"

namespace lucas::bank {

std::string legacy_message_key(const std::string& text, int64_t date) {
  // format_rfc3339 gives "...Z" for whole seconds; isoformat() of an aware UTC datetime gives
  // "+00:00".
  std::string iso = format_rfc3339(date * 1'000'000);
  if (!iso.empty() && iso.back() == 'Z') iso.replace(iso.size() - 1, 1, "+00:00");
  return sha256_hex(text + iso);
}

std::string result_key(int64_t bot_id, int64_t origin_date, std::string_view text) {
  return sha256_hex(std::to_string(bot_id) + "|" + std::to_string(origin_date) + "|" +
                    sha256_hex(lucas::normalize_name(text)));
}

const std::map<std::string, std::set<std::string>>& game_currencies() {
  static const std::map<std::string, std::set<std::string>> m{
      {"gd_cards", {"points", "orbs"}},
      {"shmalala", {"coins", "karma"}},
      {"true_mafia", {"money", "gems"}},
      {"bunker_rp", {"money", "crystals"}},
      {"gusya_cards", {"goose_coins", "goose_points"}},
  };
  return m;
}

std::string_view how_name(How h) {
  switch (h) {
    case How::kAccrual:
      return "accrual";
    case How::kProfileDelta:
      return "profile_delta";
    case How::kProfileFirstSeen:
      return "profile_first_seen";
    case How::kProfileUnchanged:
      return "profile_unchanged";
    case How::kWin:
      return "win";
    case How::kNotConverted:
      return "not_converted";
    case How::kRefused:
      return "refused";
  }
  return "accrual";
}

namespace {

void require_game(const std::string& game) {
  if (!game_currencies().count(game)) {
    throw Error(ErrorCode::kInvalidArgument, "unknown game '" + game + "'",
                {{"games", {"gd_cards", "shmalala", "true_mafia", "bunker_rp", "gusya_cards"}}});
  }
}

Decimal plus(const Decimal& a, const Decimal& b) {
  return a.minus(Decimal{0, 0}.minus(b));
}

}  // namespace

// Who an event's money belongs to, and whose state (last balance, carry) it moves.
struct BankService::Who {
  int64_t user_id = 0;  // 0: nobody is known to be the named player
  std::string subject;  // "nick:<key>" or "user:<id>"
  std::string evidence;
  std::string name_key;
};

BankService::BankService(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
                         const Clock& clock, NameKey name_key, audit::AuditLog* audit,
                         Options options)
    : db_(db),
      ledger_(ledger),
      users_(users),
      clock_(clock),
      name_key_(std::move(name_key)),
      audit_(audit),
      options_(options) {
  ledger_.add_check("bank unclaimed credits",
                    [this](store::Tx& tx) { return check_unclaimed(tx); });
}

bool BankService::fresh(int64_t origin_date, Micros asked_at) const {
  const Micros asked = asked_at != 0 ? asked_at : clock_.now();
  return origin_date > 0 && asked - origin_date * 1'000'000 <= options_.max_message_age;
}

BankService::Who BankService::resolve(store::Tx& tx, const GameMessage& m, const std::string& key,
                                      const std::optional<std::string>& player,
                                      CreditReport& report) {
  if (!player) {  // the message names nobody: it is the replier's
    return {m.replier_id, "user:" + std::to_string(m.replier_id), "replier", ""};
  }
  const std::string name = name_key_(*player);
  const std::string subject = "nick:" + name;
  for (const auto& mention : m.mentions) {
    if (mention.user_id <= 0 || name_key_(mention.shown) != name) continue;
    // Telegram vouches for a text_mention: the game bot named this user. Register a player we
    // have not seen; an existing user is left as is.
    if (!users_.find(tx, mention.user_id)) {
      users_.upsert(
          tx, users::UserUpdate{mention.user_id, mention.username,
                                mention.display_name.empty() ? mention.shown : mention.display_name,
                                "ru"});
    }
    verify_by_mention(tx, m.parsed.game, *player, name, mention.user_id, key, report);
    return {mention.user_id, subject, "mention", name};
  }
  if (auto link = sql::find_link(tx, m.parsed.game, name)) {
    return {link->user_id, subject, "link", name};
  }
  return {0, subject, "", name};
}

CreditReport BankService::credit(const GameMessage& m) {
  const std::string& game = m.parsed.game;
  if (m.replier_id <= 0) throw Error(ErrorCode::kInvalidArgument, "the replier is unknown");
  if (m.bot_id <= 0 || m.origin_date <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "the game message's sender or date is unknown");
  }
  for (const auto& ev : m.parsed.events) {
    if (!game_currencies().count(game) || !game_currencies().at(game).count(ev.currency)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "no currency '" + ev.currency + "' in game '" + game + "'");
    }
  }
  CreditReport report;
  if (!fresh(m.origin_date, m.asked_at)) {
    report.too_old = true;
    return report;
  }
  const std::string key =
      m.content_key.empty() ? result_key(m.bot_id, m.origin_date, m.text) : m.content_key;
  const Micros now = clock_.now();
  return db_.transact([&](store::Tx& tx) {
    report = CreditReport{};
    if (!m.legacy_key.empty() && sql::legacy_processed(tx, m.legacy_key)) {
      report.already_processed = true;  // the legacy bot credited it before the move
      return report;
    }
    if (!sql::mark_processed(tx, m, key, now)) {
      report.already_processed = true;
      return report;
    }
    if (m.parsed.events.empty()) return report;
    const auto coin = ledger_.currency(tx, ledger::kCoin);
    const auto mint = ledger_.system_account(tx, "mint:" + game, ledger::kCoin, true);

    for (size_t i = 0; i < m.parsed.events.size(); ++i) {
      const auto& ev = m.parsed.events[i];
      const Who who = resolve(tx, m, key, ev.player, report);
      Credit c;
      c.user_id = who.user_id;
      c.player = ev.player;
      c.evidence = who.evidence;
      c.game_currency = ev.currency;
      const Decimal k = sql::rate(tx, game, ev.currency).value_or(Decimal{0, 0});
      c.coefficient = k.to_string();
      // The state belongs to the (game, nickname); a user's state from before names (or the
      // legacy import by Telegram id) becomes the nickname's the first time a credit names them.
      auto found = sql::player_state(tx, game, ev.currency, who.subject);
      if (!found && who.user_id != 0 && who.subject.rfind("nick:", 0) == 0) {
        const std::string old = "user:" + std::to_string(who.user_id);
        found = sql::player_state(tx, game, ev.currency, old);
        if (found) sql::adopt_player_state(tx, game, ev.currency, old, who.subject);
      }
      sql::PlayerState state = found.value_or(sql::PlayerState{});
      Decimal amount{0, 0};
      std::optional<Decimal> next_last = state.last_balance;
      if (ev.type == "balance") {
        const Decimal shown = Decimal::parse(ev.amount.value_or("0"));
        if (!state.last_balance) {
          c.how = How::kProfileFirstSeen;
          c.game_amount = shown.to_string();
          state.last_balance = shown;
          sql::save_player_state(tx, game, ev.currency, who.subject, state, now);
          report.credits.push_back(c);
          continue;
        }
        amount = shown.minus(*state.last_balance);
        next_last = shown;
        c.how = amount.mantissa == 0 ? How::kProfileUnchanged : How::kProfileDelta;
      } else if (ev.type == "win") {
        amount = sql::win_reward(tx, game).value_or(Decimal{0, 0});
        c.how = How::kWin;
        if (next_last) next_last = plus(*next_last, amount);
      } else {
        amount = Decimal::parse(ev.amount.value_or("0"));
        c.how = How::kAccrual;
        // Keep the expected game balance in step, so the next profile credits only what was not
        // credited already.
        if (next_last) next_last = plus(*next_last, amount);
      }
      c.game_amount = amount.to_string();
      if (k.mantissa == 0 && c.how != How::kProfileUnchanged) c.how = How::kNotConverted;
      const Converted conv =
          k.mantissa == 0 ? Converted{0, state.carry} : convert(amount, k, coin.scale, state.carry);
      if (conv.minor != 0) {
        const std::string idem = "bank:" + key + ":" + std::to_string(i);
        const nlohmann::json meta{{"game", game},
                                  {"kind", m.parsed.kind},
                                  {"game_currency", ev.currency},
                                  {"game_amount", c.game_amount},
                                  {"k", c.coefficient},
                                  {"player", ev.player ? nlohmann::json(*ev.player) : nullptr},
                                  {"evidence", who.evidence},
                                  {"result", key.substr(0, 16)}};
        if (who.user_id == 0) {
          if (conv.minor > 0) {
            const auto hold =
                ledger_.hold(tx, idem, mint, conv.minor, ledger::kCoin, "bank.unclaimed", meta);
            UnclaimedCredit u;
            u.game = game;
            u.nickname = *ev.player;
            u.minor = conv.minor;
            u.hold_id = hold.id;
            u.result = key;
            u.created_at = now;
            u.expires_at = now + options_.unclaimed_ttl;
            c.unclaimed_id = sql::insert_unclaimed(tx, u, who.name_key);
            c.transfer_id = hold.transfer_id;
            c.unclaimed = true;
          } else if (!take_back(tx, game, who.name_key, checked_neg(conv.minor), idem)) {
            c.how = How::kRefused;  // state unchanged: a later profile settles it
            report.credits.push_back(c);
            continue;
          } else {
            c.unclaimed = true;
          }
          c.minor = conv.minor;
        } else {
          const auto account = ledger_.user_account(tx, who.user_id, ledger::kCoin);
          try {
            const auto t = conv.minor > 0
                               ? ledger_.move(tx, idem, mint, account, conv.minor, ledger::kCoin,
                                              "bank." + ev.type, meta)
                               : ledger_.move(tx, idem, account, mint, checked_neg(conv.minor),
                                              ledger::kCoin, "bank." + ev.type, meta);
            c.transfer_id = t.id;
            c.minor = conv.minor;
          } catch (const Error& e) {
            if (e.code() != ErrorCode::kInsufficientFunds) throw;
            c.how = How::kRefused;  // state unchanged: a later profile settles it
            c.balance_after = ledger_.account(tx, account).balance;
            report.credits.push_back(c);
            continue;
          }
        }
      } else if (who.user_id == 0) {
        c.unclaimed = c.how != How::kProfileUnchanged && c.how != How::kNotConverted;
      }
      state.carry = conv.carry;
      state.last_balance = next_last;
      sql::save_player_state(tx, game, ev.currency, who.subject, state, now);
      if (who.user_id != 0) {
        c.balance_after =
            ledger_.account(tx, ledger_.user_account(tx, who.user_id, ledger::kCoin)).balance;
      }
      report.credits.push_back(c);
    }
    return report;
  });
}

std::vector<Rate> BankService::rates() {
  return db_.read([&](store::Tx& tx) { return sql::rates(tx); });
}

Rate BankService::set_rate(int64_t actor_id, const std::string& game, const std::string& currency,
                           const std::string& k) {
  users_.require_admin(actor_id, "change rates");
  require_game(game);
  if (!game_currencies().at(game).count(currency)) {
    throw Error(ErrorCode::kInvalidArgument, "no currency '" + currency + "' in " + game);
  }
  const Decimal value = Decimal::parse(k);
  if (value.mantissa < 0 || value.scale > 4 || value.compare(Decimal{10'000, 0}) > 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "a rate is a decimal from 0 to 10000 with at most 4 fraction digits", {{"k", k}});
  }
  const Rate r{game, currency, value};
  db_.transact([&](store::Tx& tx) {
    const auto before = sql::rate(tx, game, currency);
    sql::upsert_rate(tx, r, actor_id, clock_.now());
    if (audit_ != nullptr) {
      audit_->append(tx, audit::entry(actor_id, "admin.rate", "rate:" + game + "/" + currency,
                                      {{"from", before ? before->to_string() : "none"},
                                       {"to", value.to_string()}}));
    }
  });
  return r;
}

bool BankService::verify_game_bot(const std::string& username, int64_t bot_id,
                                  const std::string& game) {
  if (bot_id <= 0) return false;
  return db_.transact([&](store::Tx& tx) {
    return sql::record_game_bot(tx, username, bot_id, game, clock_.now()) == bot_id;
  });
}

BankService::Stats BankService::stats(int64_t actor_id) {
  return db_.read([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "see statistics");
    Stats s;
    s.parsed_messages = sql::count_processed(tx);
    for (const auto& [game, _] : game_currencies()) {
      if (auto mint = ledger_.find_system_account(tx, "mint:" + game, ledger::kCoin)) {
        s.credited_minor = checked_sub(s.credited_minor, ledger_.account(tx, *mint).balance);
      }
    }
    s.unclaimed_minor = sql::sum_unclaimed(tx, "pending");
    s.credited_minor = checked_sub(s.credited_minor, s.unclaimed_minor);
    s.pending_claims = sql::count_claims(tx, "pending");
    return s;
  });
}

void BankService::set_win_reward(int64_t actor_id, const std::string& game,
                                 const std::string& amount) {
  users_.require_admin(actor_id, "change win rewards");
  require_game(game);
  const Decimal value = Decimal::parse(amount);
  if (value.mantissa < 0 || value.compare(Decimal{1'000'000, 0}) > 0) {
    throw Error(ErrorCode::kInvalidArgument, "a win reward is a decimal from 0 to 1000000");
  }
  db_.transact([&](store::Tx& tx) {
    sql::set_win_reward(tx, game, value.to_string());
    if (audit_ != nullptr) {
      audit_->append(tx, audit::entry(actor_id, "admin.win_reward", "game:" + game,
                                      {{"to", value.to_string()}}));
    }
  });
}

bool BankService::import_processed_key(const std::string& key, const std::string& processed_at) {
  if (key.size() != 64 || key.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "a legacy message key is 64 lowercase hex digits");
  }
  return db_.transact(
      [&](store::Tx& tx) { return sql::put_legacy_processed(tx, key, processed_at); });
}

namespace {

bool import_state(store::Database& db, const Clock& clock, const std::string& game,
                  const std::string& currency, const std::string& subject,
                  const Decimal& last_balance) {
  require_game(game);
  if (!game_currencies().at(game).count(currency)) {
    throw Error(ErrorCode::kInvalidArgument, "no currency '" + currency + "' in game " + game);
  }
  return db.transact([&](store::Tx& tx) {
    if (sql::has_player_state(tx, game, currency, subject)) return false;
    sql::save_player_state(tx, game, currency, subject, sql::PlayerState{last_balance, 0},
                           clock.now());
    return true;
  });
}

}  // namespace

bool BankService::import_nickname_balance(const std::string& game, const std::string& nickname,
                                          const std::string& currency,
                                          const Decimal& last_balance) {
  return import_state(db_, clock_, game, currency, "nick:" + checked_nickname_key(game, nickname),
                      last_balance);
}

bool BankService::import_last_balance(int64_t user_id, const std::string& game,
                                      const std::string& currency, const Decimal& last_balance) {
  return import_state(db_, clock_, game, currency, "user:" + std::to_string(user_id), last_balance);
}

std::string BankService::checked_nickname_key(const std::string& game,
                                              const std::string& nickname) const {
  require_game(game);
  const std::string key = name_key_(nickname);
  // Characters, not bytes: a Cyrillic letter is two bytes of UTF-8 (continuations are 10xxxxxx).
  const auto characters = std::count_if(nickname.begin(), nickname.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (key.empty() || characters > 64 || nickname.size() > 256) {
    throw Error(ErrorCode::kInvalidArgument, "a nickname is 1-64 visible characters",
                {{"nickname", nickname.substr(0, 256)}});
  }
  return key;
}

}  // namespace lucas::bank
