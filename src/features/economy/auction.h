// Auctions (requirement 16, Property 19): a player sells units of an item to the highest bidder.
//
//   create   The seller puts up units of a tradeable item (numbered ones by serial or the lowest
//            held) with a starting price, a minimum increment, a duration of 1, 3, 7 or 14 days
//            and optionally a buyout price. The units are held in escrow at once (a ledger hold).
//   bid      A bid must reach the starting price (the first) or beat the highest by the increment;
//            it holds the bidder's coins. The bidder it outbids gets their hold back at once, in
//            the same transaction, and is notified (WebSocket and bot). A bid in the last 2 minutes
//            extends the end by 2 minutes (no sniping). A bid at or above the buyout is taken at
//            the buyout price and ends the auction at once.
//   settle   When the time is up, a job settles each ended auction exactly once (the auction row
//            is locked and its state checked; the ledger keys are per auction): the units go to
//            the winner, the winner's held coins to the seller less a 10 % house fee rounded up
//            to the kopeck (to "fees:auction"). No bids: the units go back to the seller.
//   cancel   The seller may withdraw an auction nobody has bid on.
// Live: every accepted bid is published on the WebSocket topic "auctions.<id>".
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/economy/economy.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"
#include "infra/realtime/notifier.h"
#include "infra/store/db.h"
#include "ledger/ledger.h"

namespace lucas::economy {

// ------------------------------------------------------------------ the rules (pure)

inline constexpr Micros kSnipeWindow = 120'000'000;  // the last 2 minutes
inline constexpr Micros kSnipeExtension = 120'000'000;
inline constexpr int64_t kMinAuctionPrice = 100;  // 1.00 coin

// The house fee on a sale: 10 % rounded up to the minor unit.
int64_t auction_fee(int64_t price);
// The least the next bid may be: the starting price before any bid, else the highest plus the
// increment.
int64_t min_next_bid(int64_t start_price, int64_t increment, std::optional<int64_t> highest);
// The end after a bid at `now`: extended by kSnipeExtension when the bid came within the last
// kSnipeWindow.
Micros end_after_bid(Micros ends_at, Micros now);
bool valid_auction_days(int days);  // 1, 3, 7 or 14

struct AuctionDraft {
  int64_t item_id = 0;
  int64_t quantity = 1;
  std::vector<int64_t> serials;  // numbered items: which (empty: the lowest held)
  int64_t start_price = 0;       // coin minor units
  int64_t increment = 0;         // 0: 5 % of the starting price, at least 1.00
  std::optional<int64_t> buyout;
  int days = 1;
};

struct Bid {
  int64_t id = 0;
  int64_t auction_id = 0;
  int64_t bidder = 0;
  int64_t amount = 0;
  std::string state;  // leading, outbid, won
  Micros created_at = 0;
  bool replayed = false;
};

struct Auction {
  int64_t id = 0;
  int64_t seller = 0;
  int64_t item_id = 0;
  std::string name_ru, name_en;  // the item's (filled on reading)
  int64_t quantity = 1;
  std::vector<int64_t> serials;
  int64_t start_price = 0, increment = 0;
  std::optional<int64_t> buyout;
  int days = 1;
  std::string state;  // open, sold, unsold, cancelled
  std::optional<int64_t> top_bidder;
  int64_t top_amount = 0;
  int64_t bids = 0;
  Micros created_at = 0, ends_at = 0;
  std::optional<Micros> settled_at;
  int64_t fee = 0;       // the house fee taken at the sale
  int64_t next_min = 0;  // the least the next bid may be (filled on reading)
  bool replayed = false;
};

struct AuctionQuery {
  std::string state = "open";  // open, ended (sold, unsold, cancelled), mine (as seller or bidder)
  int limit = 20;              // 1..100
  int64_t before = 0;          // ids below (0: from the newest)
};

struct AuctionOptions {
  int max_open = 10;  // open auctions per seller
  int64_t max_quantity = 1000;
};

class AuctionService {
 public:
  AuctionService(store::Database& db, ledger::Ledger& ledger, events::Outbox* outbox,
                 realtime::Notifier* notifier, const Clock& clock, AuctionOptions options = {});

  // Idempotent by key. INVALID_ARGUMENT naming the field; NOT_FOUND (item); CONFLICT with reason
  // not_tradeable, too_many_open, serial_not_owned; INSUFFICIENT_FUNDS without the units.
  Auction create(const users::Actor& actor, const AuctionDraft& draft, const std::string& key);
  // Idempotent by key (a repeat returns the first bid, replayed). CONFLICT with reason ended,
  // bid_too_low (with min), not_open; FORBIDDEN for the seller; INSUFFICIENT_FUNDS.
  Bid bid(const users::Actor& actor, int64_t auction_id, int64_t amount, const std::string& key);
  // The seller withdraws an auction without bids (CONFLICT has_bids / not_open).
  Auction cancel(const users::Actor& actor, int64_t auction_id);

  // Anyone may read auctions (the listing is public); "mine" needs a player.
  Auction get(int64_t auction_id);
  std::vector<Auction> list(const users::Actor& actor, const AuctionQuery& query);
  std::vector<Bid> bids(int64_t auction_id, int limit = 50);  // newest first

  // The job: settles every open auction whose time is up; returns how many.
  int settle_due();

  const Clock& clock() const { return clock_; }  // the faces' "ends in"

 private:
  void settle(store::Tx& tx, Auction& a);
  void notify(store::Tx& tx, const Auction& a, int64_t user, const std::string& event,
              int64_t amount);
  void fill(store::Tx& tx, Auction& a);

  store::Database& db_;
  ledger::Ledger& ledger_;
  events::Outbox* outbox_;
  realtime::Notifier* notifier_;
  const Clock& clock_;
  AuctionOptions options_;
};

}  // namespace lucas::economy
