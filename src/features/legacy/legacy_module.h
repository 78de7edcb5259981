// The legacy module: the legacy bot's imported data (tables; the import is a CLI
// command).
#pragma once

#include "infra/module/module.h"

namespace lucas::legacy {

void register_module(module::Module& m);

}  // namespace lucas::legacy
