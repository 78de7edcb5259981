// `lucas user ban|unban` and `lucas audit|backup keygen`: console administration. Each returns
// the process exit code (0 ok, 1 failed, 2 bad usage or input) and prints its own messages.
#pragma once

#include <cstdint>
#include <string>

#include "base/config.h"

namespace lucas::app::admin_cli {

// `until`: "" (until unbanned), a date (2026-12-31, that day's 00:00 UTC) or RFC 3339 UTC.
int ban(const Config& config, int64_t user, const std::string& reason, const std::string& until);
int unban(const Config& config, int64_t user);
// Creates a new key file (mode 0600; never overwrites or follows a link): "audit" prints the
// public key, "backup" reminds to keep a copy.
int keygen(const std::string& kind, const std::string& path);

}  // namespace lucas::app::admin_cli
