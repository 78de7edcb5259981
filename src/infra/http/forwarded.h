// The client's address behind reverse proxies (nginx in front of several nodes). Only proxies
// listed as trusted may speak for the client: when the peer is one of them, the client is the
// right-most X-Forwarded-For entry that is not a trusted proxy (entries further left were written
// by the client itself and prove nothing), else X-Real-IP, else the peer. A malformed entry ends
// the walk at the last trusted hop. Rate limits and audit entries use this address.
#pragma once

#include <string>
#include <vector>

#include "infra/http/http.h"

namespace lucas::http {

std::string client_address(const Request& req, const std::vector<std::string>& trusted_proxies);

// "10.0.0.2, 127.0.0.1" -> {"10.0.0.2", "127.0.0.1"}; std::invalid_argument for an entry that is
// not an IPv4 or IPv6 address.
std::vector<std::string> parse_address_list(const std::string& text);

}  // namespace lucas::http
