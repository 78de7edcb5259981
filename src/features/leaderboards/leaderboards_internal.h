// Internal to the leaderboards' rules files: what the service's parts share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lucas::leaderboards {

inline constexpr std::string_view kMeta = "lb:meta";  // index key -> db version the index holds

// The user id of an index member (member_of's zero-padded id).
inline int64_t user_of(const std::string& member) {
  return std::stoll(member);
}

}  // namespace lucas::leaderboards
