// The bank: turns parsed game messages into ledger credits, exactly once per game result.
//
// Trust rules (ARCHITECTURE.md "Trust"): a game result is identified by its origin — the game
// bot's id, the original's date and the normalised text (result_key) — so the original, every
// forward of it, re-delivered updates and repeated asks all claim one key, in the transaction that
// credits. A result older than Options::max_message_age (by its origin date) credits nothing.
// A named player is paid only with evidence of who they are: a text_mention of a Telegram user on
// the name in the game bot's message, or a verified nickname link. Without evidence the credit
// waits as an unclaimed credit of that (game, nickname) — a ledger hold from the game's mint —
// paid when the nickname's link is verified and voided when it expires; it never falls to whoever
// replied. Events that name nobody (a card drop of Гуся Cards) go to the replier.
//
// Coefficients per (game, game currency) live in the database; an accrual credits amount x k, a
// profile balance credits the change since the last balance seen for that (game, nickname), a
// game-end win credits a configured amount. Fractions below one minor unit are carried per
// (game, nickname, currency), never lost.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
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

// Each game's currencies ("gd_cards" -> {"points", "orbs"}, ...).
const std::map<std::string, std::set<std::string>>& game_currencies();

// A text_mention entity of the game message: the name as shown and the Telegram user behind it.
struct Mention {
  std::string shown;
  int64_t user_id = 0;
  std::string display_name;
  std::string username;
};

// A game message that already passed the trust checks (sent by an allow-listed game bot, or
// forwarded with that bot as its origin).
struct GameMessage {
  int64_t chat_id = 0;      // the copy the player replied to (the original or a forward) ...
  int64_t message_id = 0;   // ... where it is: for the records, not the identity
  int64_t bot_id = 0;       // the game bot that wrote it
  int64_t origin_date = 0;  // when the game bot sent it (Unix s): forward_origin.date of a forward
  std::string text;         // as the game bot wrote it (text or caption)
  parser::ParseResult parsed;
  std::vector<Mention> mentions;
  int64_t replier_id = 0;  // the user who asked for the parse
  // How the legacy bot keyed processed messages: sha256 hex of the text followed by the message
  // date as Python's isoformat() wrote it ("2026-05-20T14:31:07+00:00"). A message whose key
  // the legacy bot recorded was already credited there. Empty: not checked.
  std::string legacy_key = {};
  // When the player asked: the age rule is measured to it (a review decided later keeps the time
  // the item was queued). 0: now.
  Micros asked_at = 0;
  // The result's identity; empty: result_key(bot_id, origin_date, text).
  std::string content_key = {};
};

// The legacy bot's key of a game message (see GameMessage::legacy_key); `date` in Unix seconds.
std::string legacy_message_key(const std::string& text, int64_t date);

// A game result's identity: sha256 hex of the bot id, the origin date and the text normalised
// (NFKC, case folded, invisible characters removed, whitespace collapsed). Every copy of one
// result has the same key.
std::string result_key(int64_t bot_id, int64_t origin_date, std::string_view text);

enum class How {
  kAccrual,           // +N / -N shown in the message
  kProfileDelta,      // change of a profile balance since the last one seen
  kProfileFirstSeen,  // first profile of this player and game: recorded, nothing credited
  kProfileUnchanged,  // same balance as last time
  kWin,               // listed as a winner
  kNotConverted,      // no coefficient (or 0) for this game currency
  kRefused,           // a debit the player (or the waiting credits) cannot cover
};
std::string_view how_name(How h);

struct Credit {
  int64_t user_id = 0;                // 0: nobody is known to be this player (see unclaimed)
  std::optional<std::string> player;  // as shown in the message
  // Why the money went to user_id: "replier" (the event names nobody), "mention" (a
  // text_mention on the name), "link" (a verified nickname link); "" when unclaimed.
  std::string evidence;
  bool unclaimed = false;  // minor waits as unclaimed credit unclaimed_id
  int64_t unclaimed_id = 0;
  std::string game_currency;  // "points", "orbs", ...
  std::string game_amount;    // decimal: the accrual, the delta, or the win amount
  std::string coefficient;    // decimal
  int64_t minor = 0;          // COIN minor units credited (negative: debited)
  How how = How::kAccrual;
  int64_t balance_after = 0;  // the user's COIN balance after this credit (0 when unclaimed)
  std::optional<int64_t> transfer_id;
};

// Unclaimed credits paid out when a nickname's link was verified.
struct Payout {
  std::string game;
  std::string nickname;
  int64_t user_id = 0;
  int64_t minor = 0;
  int credits = 0;
};

struct CreditReport {
  bool already_processed = false;
  bool too_old = false;  // older than Options::max_message_age: nothing credited
  std::vector<Credit> credits;
  std::vector<Payout> payouts;  // links verified by this message's mentions, and what they paid
};

struct Rate {
  std::string game;
  std::string currency;
  Decimal k;
};

// A verified nickname link: credits naming `nickname` in `game` are `user_id`'s.
struct Link {
  std::string game;
  std::string nickname;
  int64_t user_id = 0;
  std::string evidence;  // "mention", "admin:<id>", "legacy", "before-2026-12" (older rule)
  Micros verified_at = 0;
};

// A player's claim of a nickname, waiting for evidence or an admin.
struct LinkClaim {
  int64_t id = 0;
  std::string game;
  std::string nickname;
  int64_t user_id = 0;
  std::string status;  // pending, approved, rejected
  std::string note;    // why it was decided so
  Micros created_at = 0;
  std::optional<int64_t> decided_by;  // 0: decided by evidence (a game bot's mention)
  std::optional<Micros> decided_at;
  int competing = 0;          // other pending claims of the same nickname (lists only)
  int64_t waiting_minor = 0;  // unclaimed credits waiting for the nickname (lists only)
};

struct UnclaimedCredit {
  int64_t id = 0;
  std::string game;
  std::string nickname;
  int64_t minor = 0;
  std::string status;  // pending, paid, expired, spent (taken back by a later debit)
  int64_t hold_id = 0;
  std::string result;  // the game result's key
  Micros created_at = 0;
  Micros expires_at = 0;
  std::optional<int64_t> paid_to;
  std::optional<Micros> settled_at;
};

struct Options {
  Micros max_message_age = 48LL * 3600 * 1'000'000;
  Micros unclaimed_ttl = 30LL * 24 * 3600 * 1'000'000;
};

// Normalises a name for matching (strip invisible/filler characters, fold case).
using NameKey = std::function<std::string(std::string_view)>;

class BankService {
 public:
  BankService(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
              const Clock& clock, NameKey name_key, audit::AuditLog* audit = nullptr,
              Options options = {});

  // Credits every event of the message in one transaction, at most once per game result.
  CreditReport credit(const GameMessage& message);
  // Whether a message sent at `origin_date` (Unix s) may still be credited when asked at
  // `asked_at` (0: now).
  bool fresh(int64_t origin_date, Micros asked_at = 0) const;
  const Options& options() const { return options_; }
  // The database it keeps its rows in (a caller that decides around a credit joins its unit).
  store::Database& database() { return db_; }

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
    int64_t credited_minor = 0;   // net COIN minor units minted for game messages (paid out)
    int64_t unclaimed_minor = 0;  // ... and waiting as unclaimed credits
    int64_t pending_claims = 0;
  };
  Stats stats(int64_t actor_id);  // admins only

  // Admin: the amount in game currency each winner of `game` gets (True Mafia 10, Bunker RP 30).
  void set_win_reward(int64_t actor_id, const std::string& game, const std::string& amount);

  // --- Nickname links (bank_links.cpp) ---
  // A player claims a nickname. It is verified by a game bot's text_mention of them on that
  // nickname, or by an admin; a claim never replaces another player's claim or link. CONFLICT
  // when another player's verified link holds the nickname.
  enum class ClaimStatus { kPending, kAlreadyClaimed, kAlreadyLinked };
  struct ClaimResult {
    ClaimStatus status = ClaimStatus::kPending;
    LinkClaim claim;  // competing and waiting_minor filled in
  };
  // Only for oneself (FORBIDDEN when actor_id != user_id).
  ClaimResult claim_link(int64_t actor_id, int64_t user_id, const std::string& game,
                         const std::string& nickname);
  // Admins: the claims queue (status pending, approved or rejected; oldest first after
  // `after_id`), approve (verifies the link, rejects the competing claims, pays what waits) or
  // reject. An actor never decides their own claim (the owner excepted). Audited.
  std::vector<LinkClaim> link_claims(int64_t actor_id, const std::string& status = "pending",
                                     int limit = 20, int64_t after_id = 0);
  std::vector<Payout> approve_claim(int64_t actor_id, int64_t claim_id);
  LinkClaim reject_claim(int64_t actor_id, int64_t claim_id, const std::string& reason);
  // Admins: removes a verified link (audited). NOT_FOUND when there is none.
  void unlink(int64_t actor_id, const std::string& game, const std::string& nickname);
  // Admins: unclaimed credits by status (pending, paid, expired, spent), oldest first.
  std::vector<UnclaimedCredit> unclaimed(int64_t actor_id, const std::string& status = "pending",
                                         int limit = 20, int64_t after_id = 0);
  // A player's verified links, recent claims, and the credits waiting for the nicknames they
  // claim. The player themself, or a moderator and above.
  struct PlayerLinks {
    std::vector<Link> links;
    std::vector<LinkClaim> claims;
    std::vector<UnclaimedCredit> waiting;
  };
  PlayerLinks links_of(int64_t actor_id, int64_t user_id);
  // The daily job: unclaimed credits past their time go back to the mint. Returns how many.
  int64_t expire_unclaimed();

  // --- Legacy import ---
  // A verified link (the legacy bot already knew it). Returns false when the nickname is already
  // linked to this user; CONFLICT when linked to someone else.
  bool import_link(int64_t user_id, const std::string& game, const std::string& nickname);
  // A processed-message key of the legacy bot (sha256 hex); false when it was already imported.
  bool import_processed_key(const std::string& key, const std::string& processed_at);
  // The last game balance the legacy bot saw for a (game, nickname) — or for a user, when the
  // legacy row names a Telegram id; it becomes the nickname's when a credit names them — so that
  // the next profile credits only the change. Never overwrites what this bank has seen itself;
  // returns whether it was recorded.
  bool import_nickname_balance(const std::string& game, const std::string& nickname,
                               const std::string& currency, const Decimal& last_balance);
  bool import_last_balance(int64_t user_id, const std::string& game, const std::string& currency,
                           const Decimal& last_balance);

 private:
  // FORBIDDEN when the actor decides their own claim (the owner excepted).
  void require_not_own_claim(store::Tx& tx, const LinkClaim& claim, int64_t actor_id);
  struct Who;
  Who resolve(store::Tx& tx, const GameMessage& m, const std::string& key,
              const std::optional<std::string>& player, CreditReport& report);
  // Verifies (game, nickname) -> user on a game bot's mention, if no link holds it yet.
  void verify_by_mention(store::Tx& tx, const std::string& game, const std::string& nickname,
                         const std::string& name_key, int64_t user_id, const std::string& result,
                         CreditReport& report);
  // Pays every pending unclaimed credit of (game, name_key) to user_id.
  Payout settle(store::Tx& tx, const std::string& game, const std::string& name_key,
                int64_t user_id);
  // Takes `minor` back from the credits waiting for (game, name_key), newest first; false (and
  // nothing moved) when they do not cover it.
  bool take_back(store::Tx& tx, const std::string& game, const std::string& name_key, int64_t minor,
                 const std::string& key);
  std::vector<std::string> check_unclaimed(store::Tx& tx);
  std::string checked_nickname_key(const std::string& game, const std::string& nickname) const;

  store::Database& db_;
  ledger::Ledger& ledger_;
  users::UserService& users_;
  const Clock& clock_;
  NameKey name_key_;
  audit::AuditLog* audit_;
  Options options_;
};

}  // namespace lucas::bank
