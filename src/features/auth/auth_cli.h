// The auth module's console commands: `lucas client create|list|revoke` (OAuth clients, made by
// the console's operator) and `lucas token create` (a token for scripts and tests).
#pragma once

#include "infra/module/module.h"

namespace lucas::auth {

void register_cli(module::Module& m);

}  // namespace lucas::auth
