// The bank module: game results to coins: tables, the parse trigger, the nickname commands and
// REST routes, the admins' /stats and /rate, and the daily expiry of unclaimed credits. Its
// services are BankService and BankBot (the bot face, with the game bots and the AI parser).
#pragma once

#include "infra/module/module.h"

namespace lucas::bank {

void register_module(module::Module& m);

}  // namespace lucas::bank
