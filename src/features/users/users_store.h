// SQL of the users feature (internal).
#pragma once

#include <optional>
#include <vector>

#include "features/users/users.h"

namespace lucas::users::sql {

std::optional<User> find(store::Tx& tx, int64_t telegram_id);
void upsert(store::Tx& tx, const User& u, const std::string& name_key);
std::vector<User> find_by_name_key(store::Tx& tx, const std::string& key);
std::vector<User> admins(store::Tx& tx);
std::optional<User> find_by_username(store::Tx& tx, const std::string& username);
int64_t count(store::Tx& tx);  // every user
void set_role(store::Tx& tx, int64_t telegram_id, Role role);
// Records a ban, or lifts it (nullopt).
void set_ban(store::Tx& tx, int64_t telegram_id, const std::optional<Ban>& ban);

}  // namespace lucas::users::sql
