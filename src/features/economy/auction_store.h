// The auctions' tables and every query on them (SQL lives only here).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/economy/auction.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::economy::sql {

// economy/3: auctions and bids.
store::Migration auction_migration();

struct AuctionRow {
  Auction auction;
  int64_t item_hold = 0;           // the seller's units in escrow
  std::optional<int64_t> top_bid;  // the leading bid
};

struct BidRow {
  Bid bid;
  int64_t hold_id = 0;  // the bidder's coins in escrow
};

int64_t insert_auction(store::Tx& tx, const Auction& a, int64_t item_hold, const std::string& key);
void update_auction(store::Tx& tx, const AuctionRow& row);
std::optional<AuctionRow> find_auction(store::Tx& tx, int64_t id, bool for_update = false);
std::optional<int64_t> auction_id_by_key(store::Tx& tx, int64_t seller, const std::string& key);
int64_t open_auctions_of(store::Tx& tx, int64_t seller);
// state "open", "ended"; with `user` != 0 the auctions they sell or bid on (any state).
std::vector<Auction> auctions(store::Tx& tx, const std::string& state, int64_t user, int64_t before,
                              int limit);
std::vector<int64_t> due_auctions(store::Tx& tx, Micros now, int limit);

int64_t insert_bid(store::Tx& tx, const Bid& b, int64_t hold_id, const std::string& key);
std::optional<BidRow> find_bid(store::Tx& tx, int64_t id);
std::optional<BidRow> bid_by_key(store::Tx& tx, int64_t bidder, const std::string& key);
void set_bid_state(store::Tx& tx, int64_t id, const std::string& state);
std::vector<Bid> bids_of(store::Tx& tx, int64_t auction_id, int limit);

}  // namespace lucas::economy::sql
