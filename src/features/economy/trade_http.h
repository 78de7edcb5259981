// REST face of trading (trade_http.cpp): every route calls one TradeService method.
#pragma once

#include "features/economy/trade.h"
#include "infra/http/http.h"

namespace lucas::economy {

void register_trade_http(http::Router& router, TradeService& service);

}  // namespace lucas::economy
