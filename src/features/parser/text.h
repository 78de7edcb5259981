// Small UTF-8 text helpers for the parser (internal).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lucas::parser::text {

std::vector<std::string_view> lines(std::string_view s);
// Trims ASCII whitespace (space, tab, CR, LF) at both ends; invisible characters stay.
std::string_view trim(std::string_view s);
bool contains(std::string_view s, std::string_view what);
// True when `prefix` holds no letters or digits (only emoji, symbols, spaces, joiners).
bool is_decoration(std::string_view prefix);
// If `line`, after a decoration prefix, starts with `marker`, returns what follows the marker.
std::optional<std::string_view> after_marker(std::string_view line, std::string_view marker);
// Reads a signed amount at the start of `s` (after spaces): optional + - — – −, digits with ","
// thousands separators, optional "." fraction. Returns the normalised decimal ("3000", "-1.5").
std::optional<std::string> amount_at(std::string_view s, bool* had_sign = nullptr);

}  // namespace lucas::parser::text
