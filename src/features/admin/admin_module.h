// The admin module: the admin API (audit, outbox, bans).
#pragma once

#include "infra/module/module.h"

namespace lucas::admin {

void register_module(module::Module& m);

}  // namespace lucas::admin
