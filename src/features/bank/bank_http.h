// REST face of the bank's nickname links and unclaimed credits: decode, call one service
// method, encode.
#pragma once

#include "features/bank/bank.h"
#include "infra/http/http.h"

namespace lucas::bank {

nlohmann::json to_json(const Link& l);
nlohmann::json to_json(const LinkClaim& c);
nlohmann::json to_json(const UnclaimedCredit& u);
nlohmann::json to_json(const Payout& p);

void register_http(http::Router& router, BankService& bank);

}  // namespace lucas::bank
