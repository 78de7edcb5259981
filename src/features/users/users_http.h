// REST face of the users feature: decode, call one service method, encode.
#pragma once

#include "features/users/users.h"
#include "features/users/users_history.h"
#include "infra/http/http.h"

namespace lucas::users {

void register_http(http::Router& router, UserService& service, HistoryService& history);

// Who the request acts as, from the auth_* fields the router's authenticator set (anonymous when
// none): what every face hands to the services.
Actor actor_of(const http::Request& req);

}  // namespace lucas::users
