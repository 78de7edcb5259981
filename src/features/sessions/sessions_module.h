// The sessions module: web sign-in and sessions: tables, REST routes and /login.
#pragma once

#include "infra/module/module.h"

namespace lucas::sessions {

void register_module(module::Module& m);

}  // namespace lucas::sessions
