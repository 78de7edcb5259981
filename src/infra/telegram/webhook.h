// Telegram's webhook: POST /telegram/webhook/<32 hex derived from the token>. The secret header
// is compared in constant time (a missing secret lets nothing through), the body must be JSON,
// and the update is stored by the durable intake (handled on its workers).
#pragma once

#include <string>

#include "infra/http/http.h"
#include "infra/telegram/updates.h"

namespace lucas::telegram {

// The secret path for a bot token: /telegram/webhook/<32 hex>.
std::string webhook_path(const std::string& bot_token);

void register_webhook(http::Router& router, const std::string& bot_token, std::string secret,
                      UpdateQueue& updates);

}  // namespace lucas::telegram
