// SQL of the bank (internal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/bank/bank.h"

namespace lucas::bank::sql {

// Marks the message processed; false when it already was.
bool mark_processed(store::Tx& tx, const GameMessage& m, Micros now);
// Processed-message keys imported from the legacy bot.
bool legacy_processed(store::Tx& tx, const std::string& key);
bool put_legacy_processed(store::Tx& tx, const std::string& key, const std::string& at);

std::optional<Decimal> rate(store::Tx& tx, const std::string& game, const std::string& currency);
std::vector<Rate> rates(store::Tx& tx);
void upsert_rate(store::Tx& tx, const Rate& r, int64_t actor, Micros now);

std::optional<Decimal> win_reward(store::Tx& tx, const std::string& game);

struct PlayerState {
  std::optional<Decimal> last_balance;  // last profile balance seen
  int64_t carry = 0;                    // sub-minor remainder, in 10^-9 minor units
};
PlayerState player_state(store::Tx& tx, int64_t user, const std::string& game,
                         const std::string& currency);
void save_player_state(store::Tx& tx, int64_t user, const std::string& game,
                       const std::string& currency, const PlayerState& s, Micros now);

// Returns the recorded id for the username, recording `bot_id` when there is none.
int64_t record_game_bot(store::Tx& tx, const std::string& username, int64_t bot_id,
                        const std::string& game, Micros now);
int64_t count_processed(store::Tx& tx);
void set_win_reward(store::Tx& tx, const std::string& game, const std::string& amount);

struct Link {
  int64_t user_id;
  bool confirmed;
};
std::optional<Link> find_link(store::Tx& tx, const std::string& game, const std::string& key);
void put_link(store::Tx& tx, int64_t user, const std::string& game, const std::string& nickname,
              const std::string& key, Micros now);
void confirm_link(store::Tx& tx, const std::string& game, const std::string& key);

}  // namespace lucas::bank::sql
