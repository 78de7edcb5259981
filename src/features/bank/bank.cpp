#include "features/bank/bank.h"

#include "base/ids.h"

#include <map>
#include <set>

#include "base/money.h"
#include "features/bank/bank_store.h"

namespace lucas::bank {

// Default coefficients are the legacy production file config/coefficients.json (multipliers,
// LEGACY.md section 4). Decisions where the legacy had gaps: GD orbs 1 (the rate production
// used, "по курсу 1.0 за орб"), Гуся coins 1 (the last production database); premium currencies
// (gems, crystals) and Гуся points are not converted (k 0) until an admin sets a rate.
store::MigrationSet migrations() {
  return {"bank",
          {{1, "rates, win rewards, processed messages, player state, nickname links",
            R"(
CREATE TABLE bank_rates (
  game TEXT NOT NULL,
  currency TEXT NOT NULL,
  k TEXT NOT NULL,
  updated_by BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (game, currency)
);
INSERT INTO bank_rates (game, currency, k) VALUES
  ('gd_cards', 'points', '2'), ('gd_cards', 'orbs', '1'),
  ('shmalala', 'coins', '1'), ('shmalala', 'karma', '10'),
  ('true_mafia', 'money', '15'), ('true_mafia', 'gems', '0'),
  ('bunker_rp', 'money', '20'), ('bunker_rp', 'crystals', '0'),
  ('gusya_cards', 'goose_coins', '1'), ('gusya_cards', 'goose_points', '0');
CREATE TABLE bank_win_rewards (
  game TEXT PRIMARY KEY,
  amount TEXT NOT NULL
);
INSERT INTO bank_win_rewards (game, amount) VALUES ('true_mafia', '10'), ('bunker_rp', '30');
CREATE TABLE bank_processed (
  chat_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  bot_id BIGINT NOT NULL,
  game TEXT NOT NULL,
  kind TEXT NOT NULL,
  replier_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (chat_id, message_id)
);
CREATE TABLE bank_player_state (
  user_id BIGINT NOT NULL,
  game TEXT NOT NULL,
  currency TEXT NOT NULL,
  last_balance TEXT,
  carry BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, game, currency)
);
CREATE TABLE bank_links (
  game TEXT NOT NULL,
  nickname_key TEXT NOT NULL,
  nickname TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (game, nickname_key)
);
CREATE INDEX bank_links_by_user ON bank_links (user_id);
CREATE TABLE bank_game_bots (
  username TEXT PRIMARY KEY,
  bot_id BIGINT NOT NULL,
  game TEXT NOT NULL,
  first_seen_at BIGINT NOT NULL
);
)"},
           {2, "processed-message keys of the legacy bot",
            R"(
CREATE TABLE bank_legacy_processed (
  message_key TEXT PRIMARY KEY,
  processed_at TEXT NOT NULL
);
)"}}};
}

std::string legacy_message_key(const std::string& text, int64_t date) {
  // format_rfc3339 gives "...Z" for whole seconds; isoformat() of an aware UTC datetime gives
  // "+00:00".
  std::string iso = format_rfc3339(date * 1'000'000);
  if (!iso.empty() && iso.back() == 'Z') iso.replace(iso.size() - 1, 1, "+00:00");
  return sha256_hex(text + iso);
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

void require_game(const std::string& game) {
  if (!game_currencies().count(game)) {
    throw Error(ErrorCode::kInvalidArgument, "unknown game '" + game + "'",
                {{"games", {"gd_cards", "shmalala", "true_mafia", "bunker_rp", "gusya_cards"}}});
  }
}

struct Resolved {
  int64_t user_id = 0;
  bool via_replier = false;
};

Decimal plus(const Decimal& a, const Decimal& b) {
  return a.minus(Decimal{0, 0}.minus(b));
}

}  // namespace

BankService::BankService(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
                         const Clock& clock, NameKey name_key, audit::AuditLog* audit)
    : db_(db),
      ledger_(ledger),
      users_(users),
      clock_(clock),
      name_key_(std::move(name_key)),
      audit_(audit) {}

CreditReport BankService::credit(const GameMessage& m) {
  const std::string& game = m.parsed.game;
  if (m.replier_id <= 0) throw Error(ErrorCode::kInvalidArgument, "the replier is unknown");
  for (const auto& ev : m.parsed.events) {
    if (!game_currencies().count(game) || !game_currencies().at(game).count(ev.currency)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "no currency '" + ev.currency + "' in game '" + game + "'");
    }
  }
  const Micros now = clock_.now();
  return db_.transact([&](store::Tx& tx) {
    CreditReport report;
    if (!m.legacy_key.empty() && sql::legacy_processed(tx, m.legacy_key)) {
      report.already_processed = true;  // the legacy bot credited it before the move
      return report;
    }
    if (!sql::mark_processed(tx, m, now)) {
      report.already_processed = true;
      return report;
    }
    if (m.parsed.events.empty()) return report;
    const auto coin = ledger_.currency(tx, ledger::kCoin);
    const auto mint = ledger_.system_account(tx, "mint:" + game, ledger::kCoin, true);

    auto resolve = [&](const std::optional<std::string>& player) -> Resolved {
      if (!player) return {m.replier_id, false};  // the message names nobody: it is the replier's
      const std::string key = name_key_(*player);
      for (const auto& mention : m.mentions) {
        if (mention.user_id > 0 && name_key_(mention.shown) == key) {
          // Register a mentioned player we have not seen; an existing user is left as is.
          if (!users_.find(tx, mention.user_id)) {
            users_.upsert(
                tx, users::UserUpdate{
                        mention.user_id, mention.username,
                        mention.display_name.empty() ? mention.shown : mention.display_name, "ru"});
          }
          return {mention.user_id, false};
        }
      }
      if (auto user = match_name(tx, game, key, m.replier_id)) return {*user, false};
      return {m.replier_id, true};
    };

    for (size_t i = 0; i < m.parsed.events.size(); ++i) {
      const auto& ev = m.parsed.events[i];
      const Resolved who = resolve(ev.player);
      Credit c;
      c.user_id = who.user_id;
      c.player = ev.player;
      c.via_replier = who.via_replier;
      c.game_currency = ev.currency;
      const Decimal k = sql::rate(tx, game, ev.currency).value_or(Decimal{0, 0});
      c.coefficient = k.to_string();
      auto state = sql::player_state(tx, who.user_id, game, ev.currency);
      Decimal amount{0, 0};
      std::optional<Decimal> next_last = state.last_balance;
      if (ev.type == "balance") {
        const Decimal shown = Decimal::parse(ev.amount.value_or("0"));
        if (!state.last_balance) {
          c.how = How::kProfileFirstSeen;
          c.game_amount = shown.to_string();
          state.last_balance = shown;
          sql::save_player_state(tx, who.user_id, game, ev.currency, state, now);
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
      const auto account = ledger_.user_account(tx, who.user_id, ledger::kCoin);
      if (conv.minor != 0) {
        const std::string key = "bank:" + std::to_string(m.chat_id) + ":" +
                                std::to_string(m.message_id) + ":" + std::to_string(i);
        nlohmann::json meta{{"game", game},
                            {"kind", m.parsed.kind},
                            {"game_currency", ev.currency},
                            {"game_amount", c.game_amount},
                            {"k", c.coefficient},
                            {"chat_id", m.chat_id},
                            {"message_id", m.message_id},
                            {"player", ev.player ? nlohmann::json(*ev.player) : nullptr},
                            {"replier", m.replier_id}};
        try {
          const auto t = conv.minor > 0
                             ? ledger_.move(tx, key, mint, account, conv.minor, ledger::kCoin,
                                            "bank." + ev.type, meta)
                             : ledger_.move(tx, key, account, mint, checked_neg(conv.minor),
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
      state.carry = conv.carry;
      state.last_balance = next_last;
      sql::save_player_state(tx, who.user_id, game, ev.currency, state, now);
      c.balance_after = ledger_.account(tx, account).balance;
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
      audit_->append(tx, audit::Entry{0,
                                      0,
                                      actor_id,
                                      "admin.rate",
                                      "rate:" + game + "/" + currency,
                                      "",
                                      "ok",
                                      {{"from", before ? before->to_string() : "none"},
                                       {"to", value.to_string()}},
                                      "",
                                      "",
                                      ""});
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
      audit_->append(tx, audit::Entry{0,
                                      0,
                                      actor_id,
                                      "admin.win_reward",
                                      "game:" + game,
                                      "",
                                      "ok",
                                      {{"to", value.to_string()}},
                                      "",
                                      "",
                                      ""});
    }
  });
}

bool BankService::import_link(int64_t user_id, const std::string& game,
                              const std::string& nickname) {
  require_game(game);
  const std::string key = name_key_(nickname);
  if (key.empty() || nickname.size() > 64) {
    throw Error(ErrorCode::kInvalidArgument, "a nickname is 1-64 visible characters");
  }
  return db_.transact([&](store::Tx& tx) {
    if (auto existing = sql::find_link(tx, game, key)) {
      if (existing->user_id != user_id) {
        throw Error(ErrorCode::kConflict, "the nickname is linked to another player");
      }
      return false;
    }
    sql::put_link(tx, user_id, game, nickname, key, clock_.now());
    sql::confirm_link(tx, game, key);
    return true;
  });
}

std::optional<int64_t> BankService::match_name(store::Tx& tx, const std::string& game,
                                               const std::string& key, int64_t replier_id) {
  if (key.empty()) return std::nullopt;
  if (auto link = sql::find_link(tx, game, key)) {
    if (link->confirmed) return link->user_id;
    if (replier_id != 0 && link->user_id == replier_id) {
      sql::confirm_link(tx, game, key);  // the first parse by its owner confirms a link
      return link->user_id;
    }
  }
  const auto matches = users_.find_by_name_key(tx, key);
  if (matches.size() == 1) return matches.front().telegram_id;
  return std::nullopt;
}

std::optional<int64_t> BankService::resolve_player(const std::string& game,
                                                   const std::string& name) {
  return db_.read([&](store::Tx& tx) { return match_name(tx, game, name_key_(name), 0); });
}

bool BankService::import_processed_key(const std::string& key, const std::string& processed_at) {
  if (key.size() != 64 || key.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "a legacy message key is 64 lowercase hex digits");
  }
  return db_.transact(
      [&](store::Tx& tx) { return sql::put_legacy_processed(tx, key, processed_at); });
}

bool BankService::import_last_balance(int64_t user_id, const std::string& game,
                                      const std::string& currency, const Decimal& last_balance) {
  require_game(game);
  if (!game_currencies().at(game).count(currency)) {
    throw Error(ErrorCode::kInvalidArgument, "no currency '" + currency + "' in game " + game);
  }
  return db_.transact([&](store::Tx& tx) {
    sql::PlayerState state = sql::player_state(tx, user_id, game, currency);
    if (state.last_balance) return false;
    state.last_balance = last_balance;
    sql::save_player_state(tx, user_id, game, currency, state, clock_.now());
    return true;
  });
}

void BankService::link(int64_t user_id, const std::string& game, const std::string& nickname) {
  require_game(game);
  const std::string key = name_key_(nickname);
  if (key.empty() || nickname.size() > 64) {
    throw Error(ErrorCode::kInvalidArgument, "a nickname is 1-64 visible characters");
  }
  db_.transact([&](store::Tx& tx) {
    if (auto existing = sql::find_link(tx, game, key)) {
      if (existing->user_id != user_id && existing->confirmed) {
        throw Error(ErrorCode::kConflict, "this nickname is linked to another player",
                    {{"game", game}});
      }
    }
    sql::put_link(tx, user_id, game, nickname, key, clock_.now());
  });
}

}  // namespace lucas::bank
