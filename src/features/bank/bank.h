// The bank: turns parsed game messages into ledger credits, exactly once per game message.
// Coefficients per (game, game currency) live in the database; an accrual credits
// amount x k, a profile balance credits the change since the last balance seen for that player,
// a game-end win credits a configured amount. Fractions below one minor unit are carried per
// (player, game, currency), never lost.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/decimal.h"
#include "features/parser/parser.h"
#include "features/users/users.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

namespace lucas::bank {

store::MigrationSet migrations();

// A text_mention entity of the game message: the name as shown and the Telegram user behind it.
struct Mention {
  std::string shown;
  int64_t user_id = 0;
  std::string display_name;
  std::string username;
};

// A game message that already passed the trust checks (sent by an allow-listed game bot).
struct GameMessage {
  int64_t chat_id = 0;
  int64_t message_id = 0;
  int64_t bot_id = 0;
  parser::ParseResult parsed;
  std::vector<Mention> mentions;
  int64_t replier_id = 0;  // the user who asked for the parse
  // How the legacy bot keyed processed messages: sha256 hex of the text followed by the message
  // date as Python's isoformat() wrote it ("2026-05-20T14:31:07+00:00"). A message whose key
  // the legacy bot recorded was already credited there. Empty: not checked.
  std::string legacy_key = {};
};

// The legacy bot's key of a game message (see GameMessage::legacy_key); `date` in Unix seconds.
std::string legacy_message_key(const std::string& text, int64_t date);

enum class How {
  kAccrual,           // +N / -N shown in the message
  kProfileDelta,      // change of a profile balance since the last one seen
  kProfileFirstSeen,  // first profile of this player and game: recorded, nothing credited
  kProfileUnchanged,  // same balance as last time
  kWin,               // listed as a winner
  kNotConverted,      // no coefficient (or 0) for this game currency
  kRefused,           // a debit the player cannot cover
};
std::string_view how_name(How h);

struct Credit {
  int64_t user_id = 0;
  std::optional<std::string> player;  // as shown in the message
  bool via_replier = false;           // the player could not be resolved: the replier got it
  std::string game_currency;          // "points", "orbs", ...
  std::string game_amount;            // decimal: the accrual, the delta, or the win amount
  std::string coefficient;            // decimal
  int64_t minor = 0;                  // COIN minor units credited (negative: debited)
  How how = How::kAccrual;
  int64_t balance_after = 0;  // the user's COIN balance after this credit
  std::optional<int64_t> transfer_id;
};

struct CreditReport {
  bool already_processed = false;
  std::vector<Credit> credits;
};

struct Rate {
  std::string game;
  std::string currency;
  Decimal k;
};

// Normalises a name for matching (strip invisible/filler characters, fold case).
using NameKey = std::function<std::string(std::string_view)>;

class BankService {
 public:
  BankService(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
              const Clock& clock, NameKey name_key, audit::AuditLog* audit = nullptr);

  // Credits every event of the message in one transaction, at most once per (chat, message).
  CreditReport credit(const GameMessage& message);

  std::vector<Rate> rates();
  // Admin only (checked here). k is an exact decimal >= 0 with at most 4 fraction digits.
  Rate set_rate(int64_t actor_id, const std::string& game, const std::string& currency,
                const std::string& k);

  // Trust bookkeeping: the first time an allow-listed game bot is seen its numeric id is
  // recorded; later messages under that username must come from the same id (a username can
  // move to another bot, an id cannot). Returns false on a mismatch.
  bool verify_game_bot(const std::string& username, int64_t bot_id, const std::string& game);

  struct Stats {
    int64_t parsed_messages = 0;
    int64_t credited_minor = 0;  // net COIN minor units minted for game messages
  };
  Stats stats(int64_t actor_id);  // admins only

  // Admin: the amount in game currency each winner of `game` gets (True Mafia 10, Bunker RP 30).
  void set_win_reward(int64_t actor_id, const std::string& game, const std::string& amount);

  // For the legacy import: a confirmed link (the legacy bot already knew it). Returns false when
  // the nickname is already linked to this user; CONFLICT when linked to someone else.
  bool import_link(int64_t user_id, const std::string& game, const std::string& nickname);

  // For the legacy import: a processed-message key of the legacy bot (sha256 hex); returns false
  // when it was already imported.
  bool import_processed_key(const std::string& key, const std::string& processed_at);
  // For the legacy import: the last game balance the legacy bot saw for (user, game, currency),
  // so that the next profile credits only the change. Never overwrites what this bank has seen
  // itself; returns whether it was recorded.
  bool import_last_balance(int64_t user_id, const std::string& game, const std::string& currency,
                           const Decimal& last_balance);

  // The user a game name belongs to: a confirmed nickname link, else a unique display name.
  std::optional<int64_t> resolve_player(const std::string& game, const std::string& name);

  // Links a game nickname to a user; it is trusted for crediting once a parse replied by that
  // user names it. CONFLICT when another user's confirmed link holds the nickname.
  void link(int64_t user_id, const std::string& game, const std::string& nickname);

 private:
  // Link, else unique name; an unconfirmed link is confirmed when its owner is the replier.
  std::optional<int64_t> match_name(store::Tx& tx, const std::string& game, const std::string& key,
                                    int64_t replier_id);

  store::Database& db_;
  ledger::Ledger& ledger_;
  users::UserService& users_;
  const Clock& clock_;
  NameKey name_key_;
  audit::AuditLog* audit_;
};

}  // namespace lucas::bank
