// Random identifiers, opaque cursor encoding, hashing and comparing secrets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lucas {

// Lowercase hex of any bytes (two digits each).
std::string to_hex(std::string_view bytes);
// `bytes` bytes from the OS CSPRNG, hex-encoded.
std::string random_hex(size_t bytes);

std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Whether a and b are equal, in time that depends only on their lengths (secrets, MACs, tokens).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace lucas
