// The users module's console commands: `lucas user add|ban|unban` and `lucas ledger grant` (the
// admin mint's credit or debit). Actor 0 is the console's operator; every change is audited by
// the service.
#pragma once

#include "infra/module/module.h"

namespace lucas::users {

void register_cli(module::Module& m);

}  // namespace lucas::users
