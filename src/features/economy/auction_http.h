// REST face of auctions (auction_http.cpp): every route calls one AuctionService method.
#pragma once

#include "features/economy/auction.h"
#include "infra/http/http.h"

namespace lucas::economy {

void register_auction_http(http::Router& router, AuctionService& service);

}  // namespace lucas::economy
