// REST face of the admin API (bearer token of an admin).
#pragma once

#include "features/admin/admin.h"
#include "features/admin/admin_users.h"
#include "infra/http/http.h"

namespace lucas::admin {

void register_http(http::Router& router, AdminService& service);
// The user tools (admin_users_http.cpp): search, a user's page, adjust, role, bulk grants.
void register_user_http(http::Router& router, users::UserService& directory, UserDesk& desk);

}  // namespace lucas::admin
