// Telegram faces of the review feature. The parse trigger ("парсинг" in reply to a game bot's
// message): decode the message into a Claim, call CreditDesk::claim, say the Outcome in the
// replier's language. The admins' queue commands: /review [after], /accept <id>,
// /correct <id> <game>/<kind> [events JSON] — decode, one ReviewService call, encode.
#pragma once

#include <optional>
#include <string>

#include "features/review/credit_desk.h"
#include "features/review/review.h"
#include "features/users/users.h"
#include "infra/telegram/commands.h"
#include "infra/telegram/types.h"

namespace lucas::review {

// Whether a message is the parse trigger: "парсинг"/"parsing" or /parse, /parsing, alone.
bool is_parse(const std::string& first_word, const std::string& rest);
// The game message `m` replies to, as a claim by `replier_id` (m must be a reply).
Claim claim_of(const telegram::Message& m, int64_t replier_id);
// The reply to the parse trigger `m` sent by `u`.
std::string parse_reply(CreditDesk& desk, const telegram::Message& m, const users::User& u);

// The reply when `cmd` is one of the queue's commands, nullopt otherwise: the queue has a button
// per item to accept it and one for the next page; an accepted item's reply one back to the
// queue. Errors propagate as lucas::Error for the bot's usual error replies (FORBIDDEN for
// non-admins).
std::optional<telegram::Reply> review_command(ReviewService& review, const users::User& user,
                                              const std::string& cmd, const std::string& args);

}  // namespace lucas::review
