// Telegram face of the users feature: who the sender is (for the front door), the player's own
// commands (/start, /ping, /balance, /profile, /history) and the admins' /grant. Each reply is in
// the user's language, from the catalogue.
#pragma once

#include <string>

#include "features/users/users.h"
#include "infra/telegram/commands.h"
#include "infra/telegram/front_door.h"

namespace lucas::users {

// What the bot answers a banned user's command, in their language: until when, and why.
std::string ban_refusal(const User& user);

// Records the sender (created, or names and language refreshed) and says who they are to the front
// door: rank, language, and a banned user's one refusal.
telegram::Identify identify(UserService& users);

std::string start_reply(const User& user);
std::string ping_reply(const User& user);
std::string balance_reply(UserService& users, const User& user);
std::string profile_reply(UserService& users, const User& user);
// `/history [page]`: ten transactions a page, newest first.
std::string history_reply(UserService& users, const User& user, const std::string& args);
// `/grant <id|@username> <±amount> <reason>`: an admin's adjustment, once per message.
std::string grant_reply(UserService& users, const User& user, const telegram::CommandCall& call);

}  // namespace lucas::users
