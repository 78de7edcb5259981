// The legacy module's console command: `lucas import-legacy PATH` (progress on standard error,
// the per-table report and the balance check on standard output; exit 1 when the totals differ).
#pragma once

#include "infra/module/module.h"

namespace lucas::legacy {

void register_cli(module::Module& m);

}  // namespace lucas::legacy
