// Telegram face of notifications: /web replies with a WebSocket token and the URL to use it on.
#pragma once

#include <functional>
#include <string>

#include "features/notifications/notifications.h"
#include "features/users/users.h"

namespace lucas::notifications {

// The /web command (notifications_module.cpp registers it). In a group it only asks the user to
// write in private: a token must not be shown to the whole chat.
std::function<std::string(const users::User&, const std::string&, bool)> web_command(
    NotificationService& service, std::string public_url);

}  // namespace lucas::notifications
