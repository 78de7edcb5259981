// SQL of the bank (internal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/bank/bank.h"

namespace lucas::bank::sql {

// Claims the game result: false when this copy (chat, message) or this result (content key) was
// already processed.
bool mark_processed(store::Tx& tx, const GameMessage& m, const std::string& key, Micros now);
// Processed-message keys imported from the legacy bot.
bool legacy_processed(store::Tx& tx, const std::string& key);
bool put_legacy_processed(store::Tx& tx, const std::string& key, const std::string& at);

std::optional<Decimal> rate(store::Tx& tx, const std::string& game, const std::string& currency);
std::vector<Rate> rates(store::Tx& tx);
void upsert_rate(store::Tx& tx, const Rate& r, int64_t actor, Micros now);

std::optional<Decimal> win_reward(store::Tx& tx, const std::string& game);

// A player's state per game currency; `subject` is "nick:<name key>" for a named player and
// "user:<telegram id>" for the replier of events that name nobody (and rows from before names).
struct PlayerState {
  std::optional<Decimal> last_balance;  // last profile balance seen
  int64_t carry = 0;                    // sub-minor remainder, in 10^-9 minor units
};
// A user's state (from before names, or the legacy import) is adopted by the first nickname a
// credit names them by: it is then the nickname's, and stays recorded (adopted_by) so that a
// second import does not bring it back.
std::optional<PlayerState> player_state(store::Tx& tx, const std::string& game,
                                        const std::string& currency, const std::string& subject);
bool has_player_state(store::Tx& tx, const std::string& game, const std::string& currency,
                      const std::string& subject);
void adopt_player_state(store::Tx& tx, const std::string& game, const std::string& currency,
                        const std::string& subject, const std::string& by);
void save_player_state(store::Tx& tx, const std::string& game, const std::string& currency,
                       const std::string& subject, const PlayerState& s, Micros now);

// Returns the recorded id for the username, recording `bot_id` when there is none.
int64_t record_game_bot(store::Tx& tx, const std::string& username, int64_t bot_id,
                        const std::string& game, Micros now);
int64_t count_processed(store::Tx& tx);
void set_win_reward(store::Tx& tx, const std::string& game, const std::string& amount);

// Verified links.
std::optional<Link> find_link(store::Tx& tx, const std::string& game, const std::string& key);
void put_link(store::Tx& tx, const Link& link, const std::string& key, Micros now);
bool delete_link(store::Tx& tx, const std::string& game, const std::string& key);
std::vector<Link> links_of(store::Tx& tx, int64_t user_id);

// Claims.
int64_t insert_claim(store::Tx& tx, const LinkClaim& c, const std::string& key);
std::optional<LinkClaim> find_claim(store::Tx& tx, int64_t id, bool for_update);
std::optional<LinkClaim> pending_claim(store::Tx& tx, const std::string& game,
                                       const std::string& key, int64_t user_id);
// Pending claims of (game, key) by other users than `except_user`.
std::vector<LinkClaim> competing_claims(store::Tx& tx, const std::string& game,
                                        const std::string& key, int64_t except_user);
bool decide_claim(store::Tx& tx, int64_t id, const std::string& status, int64_t by,
                  const std::string& note, Micros now);
std::vector<LinkClaim> list_claims(store::Tx& tx, const std::string& status, int limit,
                                   int64_t after_id);
std::vector<LinkClaim> claims_of(store::Tx& tx, int64_t user_id, int limit);
std::string claim_key(store::Tx& tx, int64_t claim_id);

// Unclaimed credits.
int64_t insert_unclaimed(store::Tx& tx, const UnclaimedCredit& u, const std::string& key);
// Pending ones of (game, key): oldest first, or newest first.
std::vector<UnclaimedCredit> pending_unclaimed(store::Tx& tx, const std::string& game,
                                               const std::string& key, bool newest_first);
int64_t waiting_minor(store::Tx& tx, const std::string& game, const std::string& key);
void settle_unclaimed(store::Tx& tx, int64_t id, const std::string& status,
                      std::optional<int64_t> paid_to, Micros now);
std::vector<UnclaimedCredit> list_unclaimed(store::Tx& tx, const std::string& status, int limit,
                                            int64_t after_id);
std::vector<UnclaimedCredit> expired_unclaimed(store::Tx& tx, Micros now, int limit);
// Every row, for the ledger check (id order).
std::vector<UnclaimedCredit> all_unclaimed(store::Tx& tx, int64_t after_id, int limit);
int64_t sum_unclaimed(store::Tx& tx, const std::string& status);
int64_t count_claims(store::Tx& tx, const std::string& status);

}  // namespace lucas::bank::sql
