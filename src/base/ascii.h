// ASCII case folding for identifiers that are ASCII by definition (bot usernames, commands, period
// and file-extension names). Names people type in any script are folded by normalize_name.
#pragma once

#include <string>
#include <string_view>

namespace lucas {

std::string ascii_lower(std::string_view s);

}  // namespace lucas
