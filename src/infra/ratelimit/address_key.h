// The key an anonymous client is limited by: its address. An IPv4 address is one client; an IPv6
// address counts for its whole /64, because one host is routinely given a /64 and could otherwise
// take a fresh budget for every one of its 2^64 addresses.
#pragma once

#include <string>
#include <string_view>

namespace lucas::ratelimit {

// "ip:203.0.113.7" for IPv4; "ip:2001:db8:1:2::/64" for any IPv6 address in that /64, however
// written (compressed, zero-padded, upper case, with a %zone); an IPv4-mapped IPv6 address
// (::ffff:203.0.113.7) is its IPv4 address. Anything else is keyed as given.
std::string address_key(std::string_view address);

}  // namespace lucas::ratelimit
