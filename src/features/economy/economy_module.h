// The economy module: items as ledger assets, the catalogue, the shop with daily dynamic prices
// and inventories (migrations, EconomyService, REST routes, /shop /buy /buyok /inventory, the
// daily economy.reprice job).
#pragma once

#include "infra/module/module.h"

namespace lucas::economy {

void register_module(module::Module& m);

}  // namespace lucas::economy
