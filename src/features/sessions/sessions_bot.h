// Telegram face of web sessions: /login answers, in a private chat only, with a one-time link that
// signs the player in to the web app (valid 5 minutes, single use).
#pragma once

#include <functional>
#include <string>

#include "features/sessions/sessions.h"
#include "features/users/users.h"

namespace lucas::sessions {

// The /login command (sessions_module.cpp registers it). In a group it only asks the user to write
// in private: a login link must not be shown to the whole chat.
std::function<std::string(const users::User&, const std::string&, bool)> login_command(
    SessionService& service);

}  // namespace lucas::sessions
