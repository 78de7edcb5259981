// The bank module: game results to coins: tables, the nickname REST routes and
// the daily expiry of unclaimed credits. (Its bot face is still the front door: BankBot.)
#pragma once

#include "infra/module/module.h"

namespace lucas::bank {

void register_module(module::Module& m);

}  // namespace lucas::bank
