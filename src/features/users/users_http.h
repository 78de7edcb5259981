// REST face of the users feature: decode, call one service method, encode.
#pragma once

#include "features/users/users.h"
#include "infra/http/http.h"

namespace lucas::users {

void register_http(http::Router& router, UserService& service);

}  // namespace lucas::users
