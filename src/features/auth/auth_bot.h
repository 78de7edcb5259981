// Telegram face of auth: /confirm_client CODE activates a pending API client, when its own user
// sends it in a private chat (AuthService::confirm_client decides).
#pragma once

#include <functional>
#include <string>

#include "features/auth/auth.h"

namespace lucas::auth {

// /confirm_client (auth_module.cpp registers it): the reply text for (user, args, private).
std::function<std::string(const users::User&, const std::string&, bool)> confirm_client_command(
    AuthService& service);

}  // namespace lucas::auth
