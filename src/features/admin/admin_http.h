// REST face of the admin API (bearer token of an admin).
#pragma once

#include "features/admin/admin.h"
#include "infra/http/http.h"

namespace lucas::admin {

void register_http(http::Router& router, AdminService& service);

}  // namespace lucas::admin
