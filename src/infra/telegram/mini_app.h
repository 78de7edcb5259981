// The web app as a Telegram Mini App: where the bot's menu button and /web's button open it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lucas::telegram {

// `public_url` with one trailing slash when it is an https URL (Telegram opens Mini Apps only over
// https); nullopt otherwise — then the bot offers no web app button.
std::optional<std::string> mini_app_url(std::string_view public_url);

}  // namespace lucas::telegram
