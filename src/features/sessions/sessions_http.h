// REST face of web sessions: sign-in (Mini App, Login Widget, login link), the current session,
// logout, my sessions; and the cookie side of the router's authenticator.
#pragma once

#include <optional>
#include <string>

#include "features/sessions/sessions.h"
#include "infra/http/http.h"

namespace lucas::sessions {

// What the sign-in page needs to know (GET /api/v1/auth/config).
struct PublicConfig {
  std::string bot_username;  // for t.me links and the widget
  std::string login_domain;  // empty: no Login Widget
};

void register_http(http::Router& router, SessionService& service, PublicConfig config);

// Called by the router's authenticator after bearer tokens: a request without a bearer token that
// carries a live session cookie acts as the session's user (same auth_* fields; no scopes: a
// signed-in player has the full access of their role). A POST, PUT, PATCH or DELETE made with the
// cookie must carry the session's X-CSRF-Token: FORBIDDEN (error "csrf") otherwise. Only /api/
// paths look at the cookie, and the sign-in endpoints ignore it (they start a new session). An
// unknown or expired cookie leaves the request anonymous.
void authenticate_request(SessionService& service, http::Request& req);
// The client id a web session's requests carry (full access, no OAuth scopes; not an API client).
inline constexpr std::string_view kWebClientId = "web";

// The session cookie's name: "__Host-lucas_session" behind HTTPS (the prefix pins it to our host,
// Path=/ and Secure), "lucas_session" otherwise.
std::string cookie_name(bool secure);
// The session cookie from a Cookie header (either name), or nullopt.
std::optional<std::string> session_cookie(const http::Request& req);
// Set-Cookie values: the session (HttpOnly; SameSite=Lax; Path=/; Secure behind HTTPS), or its
// removal.
std::string set_cookie(const SessionService& service, const std::string& value);
std::string clear_cookie(const SessionService& service);

}  // namespace lucas::sessions
