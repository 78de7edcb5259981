// Names as players type them and game bots print them.
#pragma once

#include <string>
#include <string_view>

namespace lucas {

// A key for matching names: NFKC case-folded, invisible and filler characters (zero-width, Hangul
// fillers, U+FFFD, variation selectors) removed, whitespace collapsed and trimmed.
std::string normalize_name(std::string_view name);

}  // namespace lucas
