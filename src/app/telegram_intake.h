// The Telegram intake's console side: `lucas telegram failed` and `lucas telegram retry`. Each
// returns the process exit code and prints its own output.
#pragma once

#include <cstdint>
#include <optional>

#include "base/config.h"

namespace lucas::app {

// Failed updates as JSON lines (audited).
int telegram_failed_command(const Config& config, int64_t after_id, int64_t limit);
// Puts one failed update (or all, with nullopt) back for the bot's workers (audited).
int telegram_retry_command(const Config& config, std::optional<int64_t> update_id);

}  // namespace lucas::app
