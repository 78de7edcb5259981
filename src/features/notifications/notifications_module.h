// The notifications module: WebSocket tokens and pushes, the player's notification list and its
// read markers (migrations, the Inbox service, REST routes) and /web.
#pragma once

#include "infra/module/module.h"

namespace lucas::notifications {

void register_module(module::Module& m);

}  // namespace lucas::notifications
