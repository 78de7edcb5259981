// Auctions: creation with the units in escrow, bids holding coins (the outbid's released at once),
// anti-sniping, buyout, settlement exactly once, cancellation without bids.
#include "features/economy/auction.h"

#include <algorithm>
#include <set>

#include "base/money.h"
#include "features/economy/auction_store.h"
#include "features/economy/economy_parts.h"
#include "features/economy/economy_store.h"
#include "features/economy/trade_store.h"
#include "infra/telegram/direct.h"

namespace lucas::economy {
namespace {

constexpr int64_t kMaxPrice = 1'000'000'000'000'000;  // 10^13 coins
constexpr Micros kDay = 86'400'000'000;

Error no_auction(int64_t id) {
  return Error(ErrorCode::kNotFound, "no auction " + std::to_string(id), {{"id", id}});
}

void check_key(const std::string& key) {
  if (key.empty() || key.size() > 200) {
    throw field_error("idempotency_key", "the idempotency key must be 1 to 200 bytes");
  }
}

std::string key_of(int64_t auction, const std::string& what) {
  return "auction:" + std::to_string(auction) + ":" + what;
}

}  // namespace

int64_t auction_fee(int64_t price) {
  if (price <= 0) return 0;
  return price / 10 + (price % 10 != 0 ? 1 : 0);
}

int64_t min_next_bid(int64_t start_price, int64_t increment, std::optional<int64_t> highest) {
  return highest ? checked_add(*highest, increment) : start_price;
}

Micros end_after_bid(Micros ends_at, Micros now) {
  return now >= ends_at - kSnipeWindow ? ends_at + kSnipeExtension : ends_at;
}

bool valid_auction_days(int days) {
  return days == 1 || days == 3 || days == 7 || days == 14;
}

AuctionService::AuctionService(store::Database& db, ledger::Ledger& ledger, events::Outbox* outbox,
                               realtime::Notifier* notifier, const Clock& clock,
                               AuctionOptions options)
    : db_(db),
      ledger_(ledger),
      outbox_(outbox),
      notifier_(notifier),
      clock_(clock),
      options_(options) {}

Auction AuctionService::create(const users::Actor& actor, const AuctionDraft& draft,
                               const std::string& key) {
  const int64_t seller = require_player(actor, users::scope::kAuctionWrite);
  check_key(key);
  AuctionDraft d = draft;
  if (d.quantity < 1 || d.quantity > options_.max_quantity) {
    throw field_error("quantity", "must be between 1 and " + std::to_string(options_.max_quantity));
  }
  if (d.start_price < kMinAuctionPrice || d.start_price > kMaxPrice) {
    throw field_error("start_price", "must be from 1.00 to 10000000000000.00 coins");
  }
  if (d.increment == 0) d.increment = std::max<int64_t>(kMinAuctionPrice, d.start_price / 20);
  if (d.increment < 1 || d.increment > d.start_price) {
    throw field_error("increment", "must be from 0.01 up to the starting price");
  }
  if (d.buyout && (*d.buyout <= d.start_price || *d.buyout > kMaxPrice)) {
    throw field_error("buyout", "must be above the starting price");
  }
  if (!valid_auction_days(d.days)) throw field_error("days", "must be 1, 3, 7 or 14");
  if (!d.serials.empty()) {
    const std::set<int64_t> distinct(d.serials.begin(), d.serials.end());
    if (static_cast<int64_t>(d.serials.size()) != d.quantity ||
        distinct.size() != d.serials.size()) {
      throw field_error("serials", "must name each unit once, as many as the quantity");
    }
  }
  const Micros now = clock_.now();
  return db_.transact([&](store::Tx& tx) {
    if (const auto id = sql::auction_id_by_key(tx, seller, key)) {
      auto done = sql::find_auction(tx, *id)->auction;
      if (done.item_id != d.item_id || done.quantity != d.quantity ||
          done.start_price != d.start_price) {
        throw Error(ErrorCode::kIdempotencyConflict,
                    "this idempotency key was used for another auction", {{"auction_id", *id}});
      }
      done.replayed = true;
      fill(tx, done);
      return done;
    }
    if (sql::open_auctions_of(tx, seller) >= options_.max_open) {
      throw refusal_error("too_many_open",
                          "at most " + std::to_string(options_.max_open) + " open auctions",
                          {{"limit", options_.max_open}});
    }
    const auto item = sql::find_item(tx, d.item_id);
    if (!item) throw field_error("item_id", "no item " + std::to_string(d.item_id));
    if (!item->tradeable) {
      throw refusal_error("not_tradeable", item->name_en + " cannot be sold",
                          {{"item_id", item->id}});
    }
    if (!d.serials.empty() && !item->serialized) {
      throw field_error("serials", item->name_en + " has no serial numbers");
    }
    Auction a;
    a.seller = seller;
    a.item_id = item->id;
    a.quantity = d.quantity;
    a.start_price = d.start_price;
    a.increment = d.increment;
    a.buyout = d.buyout;
    a.days = d.days;
    a.state = "open";
    a.created_at = now;
    a.ends_at = now + d.days * kDay;
    // The row first (its id names the hold), then the units into escrow.
    a.id = sql::insert_auction(tx, a, 0, key);
    const auto hold =
        ledger_.hold(tx, key_of(a.id, "units"), ledger_.user_account(tx, seller, item->asset),
                     a.quantity, item->asset, "auction.list", {{"auction", a.id}});
    if (item->serialized) {
      const auto free = sql::free_serials(tx, item->id, seller);
      a.serials = d.serials;
      if (a.serials.empty()) {
        if (static_cast<int64_t>(free.size()) < a.quantity) {
          throw Error(ErrorCode::kInternal, item->asset + ": fewer numbered units than held");
        }
        a.serials.assign(free.begin(), free.begin() + a.quantity);
      }
      for (const int64_t s : a.serials) {
        if (!std::binary_search(free.begin(), free.end(), s)) {
          throw refusal_error("serial_not_owned",
                              "№ " + std::to_string(s) + " is not yours to sell",
                              {{"item_id", item->id}, {"serial", s}});
        }
        sql::hold_instance(tx, item->id, s, hold.id);
      }
    }
    sql::update_auction(tx, {a, hold.id, std::nullopt});
    fill(tx, a);
    return a;
  });
}

Bid AuctionService::bid(const users::Actor& actor, int64_t auction_id, int64_t amount,
                        const std::string& key) {
  const int64_t bidder = require_player(actor, users::scope::kAuctionWrite);
  check_key(key);
  if (amount < kMinAuctionPrice || amount > kMaxPrice) {
    throw field_error("amount", "must be from 1.00 to 10000000000000.00 coins");
  }
  Auction published;
  Bid placed = db_.transact([&](store::Tx& tx) {
    if (const auto done = sql::bid_by_key(tx, bidder, key)) {
      if (done->bid.auction_id != auction_id || done->bid.amount != amount) {
        throw Error(ErrorCode::kIdempotencyConflict,
                    "this idempotency key was used for another bid", {{"bid_id", done->bid.id}});
      }
      Bid b = done->bid;
      b.replayed = true;
      return b;
    }
    auto row = sql::find_auction(tx, auction_id, true);
    if (!row) throw no_auction(auction_id);
    Auction& a = row->auction;
    const Micros now = clock_.now();
    if (a.state != "open") throw refusal_error("not_open", "the auction is " + a.state);
    if (now >= a.ends_at) throw refusal_error("ended", "the auction has ended");
    if (a.seller == bidder) throw Error(ErrorCode::kForbidden, "sellers do not bid on their own");
    const auto highest = a.bids > 0 ? std::optional<int64_t>(a.top_amount) : std::nullopt;
    const int64_t least = min_next_bid(a.start_price, a.increment, highest);
    if (amount < least) {
      throw refusal_error("bid_too_low", "a bid must be at least " + format_amount(least, 2),
                          {{"min", least}});
    }
    const bool buyout = a.buyout && amount >= *a.buyout;
    if (buyout) amount = *a.buyout;
    // The bid it beats gives its coins back at once (first: a bidder raising their own bid may
    // use the coins it held). If the new hold below fails, the transaction undoes this too.
    if (row->top_bid) {
      const auto previous = sql::find_bid(tx, *row->top_bid);
      ledger_.void_hold(tx, key_of(a.id, "outbid:" + std::to_string(previous->bid.id)),
                        previous->hold_id, "auction.outbid", {{"auction", a.id}});
      sql::set_bid_state(tx, previous->bid.id, "outbid");
      if (previous->bid.bidder != bidder) notify(tx, a, previous->bid.bidder, "outbid", amount);
    }
    // The bidder's coins; without them nothing above happened either.
    const auto hold = ledger_.hold(tx, key_of(a.id, "bid:" + std::to_string(bidder) + ":" + key),
                                   ledger_.user_account(tx, bidder, ledger::kCoin), amount,
                                   ledger::kCoin, "auction.bid", {{"auction", a.id}});
    Bid b{0, a.id, bidder, amount, "leading", now, false};
    b.id = sql::insert_bid(tx, b, hold.id, key);
    row->top_bid = b.id;
    a.top_bidder = bidder;
    a.top_amount = amount;
    ++a.bids;
    a.ends_at = end_after_bid(a.ends_at, now);
    if (buyout) {
      sql::update_auction(tx, *row);
      settle(tx, a);  // ends it now, at the buyout price
      b.state = "won";
    } else {
      sql::update_auction(tx, *row);
    }
    published = a;
    return b;
  });
  if (!placed.replayed && notifier_ != nullptr) {
    published.next_min =
        published.state == "open"
            ? min_next_bid(published.start_price, published.increment, published.top_amount)
            : 0;
    notifier_->push_to_topic("auctions." + std::to_string(auction_id), "auction.bid",
                             {{"auction_id", auction_id},
                              {"bid_id", placed.id},
                              {"bidder", placed.bidder},
                              {"amount", format_amount(placed.amount, 2)},
                              {"bids", published.bids},
                              {"state", published.state},
                              {"ends_at", format_rfc3339(published.ends_at)},
                              {"next_min", format_amount(published.next_min, 2)}});
  }
  return placed;
}

void AuctionService::settle(store::Tx& tx, Auction& a) {
  auto row = *sql::find_auction(tx, a.id);
  const auto item = *sql::find_item(tx, a.item_id);
  const Micros now = clock_.now();
  const nlohmann::json meta{{"auction", a.id}};
  if (row.top_bid) {
    const auto top = *sql::find_bid(tx, *row.top_bid);
    const int64_t winner = top.bid.bidder;
    ledger_.post(tx, key_of(a.id, "settle:units"), row.item_hold,
                 {{ledger_.user_account(tx, winner, item.asset), a.quantity}}, "auction.sale",
                 meta);
    sql::give_held_instances(tx, row.item_hold, winner, now);
    a.fee = auction_fee(top.bid.amount);
    ledger_.post(tx, key_of(a.id, "settle:coins"), top.hold_id,
                 {{ledger_.user_account(tx, a.seller, ledger::kCoin), top.bid.amount - a.fee},
                  {ledger_.system_account(tx, "fees:auction", ledger::kCoin), a.fee}},
                 "auction.sale", meta);
    sql::set_bid_state(tx, top.bid.id, "won");
    a.state = "sold";
    notify(tx, a, winner, "won", top.bid.amount);
    notify(tx, a, a.seller, "sold", top.bid.amount);
  } else {
    ledger_.void_hold(tx, key_of(a.id, "settle:unsold"), row.item_hold, "auction.unsold", meta);
    sql::free_held_instances(tx, row.item_hold);
    a.state = "unsold";
    notify(tx, a, a.seller, "unsold", 0);
  }
  a.settled_at = now;
  row.auction = a;
  sql::update_auction(tx, row);
}

int AuctionService::settle_due() {
  const auto ids =
      db_.read([&](store::Tx& tx) { return sql::due_auctions(tx, clock_.now(), 500); });
  int settled = 0;
  for (const int64_t id : ids) {
    settled += db_.transact([&](store::Tx& tx) {
      auto row = sql::find_auction(tx, id, true);
      // Another run (or a buyout) may have settled it meanwhile: exactly once.
      if (!row || row->auction.state != "open" || row->auction.ends_at > clock_.now()) return 0;
      settle(tx, row->auction);
      return 1;
    });
  }
  return settled;
}

Auction AuctionService::cancel(const users::Actor& actor, int64_t auction_id) {
  const int64_t me = require_player(actor, users::scope::kAuctionWrite);
  return db_.transact([&](store::Tx& tx) {
    auto row = sql::find_auction(tx, auction_id, true);
    if (!row) throw no_auction(auction_id);
    Auction& a = row->auction;
    if (a.seller != me) throw Error(ErrorCode::kForbidden, "only the seller withdraws an auction");
    if (a.state != "open") throw refusal_error("not_open", "the auction is " + a.state);
    if (a.bids > 0) throw refusal_error("has_bids", "an auction with bids runs to its end");
    ledger_.void_hold(tx, key_of(a.id, "cancel"), row->item_hold, "auction.cancel",
                      {{"auction", a.id}});
    sql::free_held_instances(tx, row->item_hold);
    a.state = "cancelled";
    a.settled_at = clock_.now();
    sql::update_auction(tx, *row);
    fill(tx, a);
    return a;
  });
}

}  // namespace lucas::economy
