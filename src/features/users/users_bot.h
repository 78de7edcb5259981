// Telegram texts of the users feature.
#pragma once

#include <string>

#include "features/users/users.h"

namespace lucas::users {

// What the bot answers a banned user's command, in their language: until when, and why.
std::string ban_refusal(const User& user);

}  // namespace lucas::users
