// Bot face of auctions: /auctions (open ones, each with a bid button at the least next bid),
// /auction #<item>[xN] <start> <days> [buyout] (put units up), /bid <auction> <amount> (a bid;
// the bot's update names it, so a redelivered update bids once). Each calls one AuctionService
// method.
#pragma once

#include <string>

#include "features/economy/auction.h"
#include "features/users/users.h"
#include "infra/telegram/commands.h"

namespace lucas::economy {

telegram::Reply auctions_reply(AuctionService& service, const users::User& user,
                               const std::string& args);
telegram::Reply auction_create_reply(AuctionService& service, const users::User& user,
                                     const std::string& args, const std::string& use_key);
telegram::Reply bid_reply(AuctionService& service, const users::User& user, const std::string& args,
                          const std::string& use_key);

}  // namespace lucas::economy
