// The leaderboards module: tables, REST routes, /top and "leaderboards.rollover" (hourly, so at
// 00:00 UTC; on the job leader only).
#pragma once

#include "infra/module/module.h"

namespace lucas::leaderboards {

void register_module(module::Module& m);

}  // namespace lucas::leaderboards
