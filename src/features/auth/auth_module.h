// The auth module: OAuth clients and tokens: tables, REST routes,
// /confirm_client and the daily prune of expired tokens.
#pragma once

#include "infra/module/module.h"

namespace lucas::auth {

void register_module(module::Module& m);

}  // namespace lucas::auth
