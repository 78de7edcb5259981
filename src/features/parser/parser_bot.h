// Telegram face of the review queue (admins): /review [after], /accept <id>,
// /correct <id> <game>/<kind> [events JSON]. Thin: decode, call one ReviewService method, encode.
#pragma once

#include <optional>
#include <string>

#include "features/parser/review.h"
#include "features/users/users.h"

namespace lucas::parser {

// The reply text when `cmd` is one of these commands, nullopt otherwise. Errors propagate as
// lucas::Error for the bot's usual error replies (FORBIDDEN for non-admins).
std::optional<std::string> review_command(ReviewService& review, const users::User& user,
                                          const std::string& cmd, const std::string& args);

}  // namespace lucas::parser
