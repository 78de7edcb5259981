// Telegram face of notifications: /web opens the web app (a Mini App button, when the public URL is
// https) and gives a WebSocket token with the URL to use it on.
#pragma once

#include <functional>
#include <string>

#include "features/notifications/notifications.h"
#include "features/users/users.h"
#include "infra/telegram/commands.h"

namespace lucas::notifications {

// The /web command (notifications_module.cpp registers it). In a group it only asks the user to
// write in private: a token must not be shown to the whole chat (and Telegram shows web app
// buttons only in private chats).
std::function<telegram::Reply(const users::User&, const std::string&, bool)> web_command(
    NotificationService& service, std::string public_url);

}  // namespace lucas::notifications
