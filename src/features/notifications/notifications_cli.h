// The notifications module's console command: `lucas ws token --user ID` (a short-lived
// WebSocket token and the URL to use it at; audited by the service).
#pragma once

#include "infra/module/module.h"

namespace lucas::notifications {

void register_cli(module::Module& m);

}  // namespace lucas::notifications
