// REST face of the auth feature: the OAuth 2.0 token endpoint, /me, and API client management.
#pragma once

#include "features/auth/auth.h"
#include "infra/http/http.h"

namespace lucas::auth {

void register_http(http::Router& router, AuthService& service, users::UserService& users);

// Sets the request's auth_* fields from an `Authorization: Bearer` header (other schemes are left
// to the endpoints that use them); UNAUTHORIZED for a bad token.
void authenticate_request(AuthService& service, http::Request& req);

}  // namespace lucas::auth
