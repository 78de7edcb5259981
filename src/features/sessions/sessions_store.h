// SQL of web sessions and login links (prepared statements only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/sessions/sessions.h"

namespace lucas::sessions::sql {

void insert_session(store::Tx& tx, const Session& s, const std::string& token_hash);
// The session whose cookie hashes to `token_hash`, whatever its state.
std::optional<Session> find_by_token(store::Tx& tx, const std::string& token_hash);
std::optional<Session> find_by_id(store::Tx& tx, const std::string& id);
// Slides a live session: last use, last IP and the new expiry.
void touch(store::Tx& tx, const std::string& id, Micros now, const std::string& ip,
           Micros expires_at);
// Sessions neither revoked nor expired at `now`, most recently used first.
std::vector<Session> live_of(store::Tx& tx, int64_t user_id, Micros now);
// Revokes one live session; true when it was live.
bool revoke(store::Tx& tx, const std::string& id, Micros now);
// Revokes every live session of the user; returns how many.
int64_t revoke_all(store::Tx& tx, int64_t user_id, Micros now);
// Ended (expired or revoked) before `t`.
int64_t delete_ended_before(store::Tx& tx, Micros t);

void insert_link(store::Tx& tx, const std::string& token_hash, int64_t user_id, Micros created_at,
                 Micros expires_at);
// Marks the link used if it is unused and unexpired at `now`; its user, or nullopt.
std::optional<int64_t> consume_link(store::Tx& tx, const std::string& token_hash, Micros now);
int64_t delete_links_before(store::Tx& tx, Micros t);

}  // namespace lucas::sessions::sql
