// SQL of the users feature (internal).
#pragma once

#include <optional>
#include <string>
#include <utility>
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
// What a directory search matches (each term left out when absent).
struct SearchTerms {
  std::optional<int64_t> telegram_id;   // exactly
  std::optional<std::string> username;  // lower case: equal, starting with, or containing
  std::optional<std::string> name_key;  // normalised: equal, starting with, or containing
};
// Where the previous page ended (rank 0 and id 0: the start).
struct SearchAfter {
  int rank = -1;
  int64_t telegram_id = 0;
};
// Matches ranked (0 the id, 1 the username, 2 the whole name, 3 the username's start, 4 the
// name's start, 5 containing either), then by id; at most `limit` after `after`.
std::vector<std::pair<int, User>> search(store::Tx& tx, const SearchTerms& terms,
                                         const SearchAfter& after, int limit);
// Records a ban, or lifts it (nullopt).
void set_ban(store::Tx& tx, int64_t telegram_id, const std::optional<Ban>& ban);

}  // namespace lucas::users::sql
