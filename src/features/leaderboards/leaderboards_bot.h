// Telegram face of the leaderboards: `/top [period]` answers with the coin board's top 10 and the
// asker's own line, in the asker's language (texts in resources/i18n). leaderboards_module.cpp
// registers it with the Telegram front door.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "features/leaderboards/leaderboards.h"
#include "features/users/users.h"
#include "infra/telegram/commands.h"

namespace lucas::leaderboards {

inline constexpr int kBotTop = 10;

// day|week|month|all and their Russian words (день, неделя, месяц, всё, ...); empty: all-time.
std::optional<Period> parse_period_word(std::string_view word);

// The reply to `/top <args>`, with a button per period (a press edits the message in place).
telegram::Reply top_reply(LeaderboardService& service, const users::User& viewer,
                          const std::string& args);

}  // namespace lucas::leaderboards
