#include "features/economy/auction_store.h"

#include <nlohmann/json.hpp>

namespace lucas::economy::sql {
namespace {

using store::Value;

constexpr std::string_view kAuctionColumns =
    "id, seller, item_id, quantity, serials, start_price, increment, buyout, days, state,"
    " item_hold, top_bid, top_bidder, top_amount, bids, created_at, ends_at, settled_at, fee";

Value opt(const std::optional<int64_t>& v) {
  return v ? Value{*v} : Value{};
}

AuctionRow row_of(const store::Row& r) {
  AuctionRow row;
  Auction& a = row.auction;
  a.id = r.i64(0);
  a.seller = r.i64(1);
  a.item_id = r.i64(2);
  a.quantity = r.i64(3);
  a.serials = nlohmann::json::parse(r.str(4)).get<std::vector<int64_t>>();
  a.start_price = r.i64(5);
  a.increment = r.i64(6);
  a.buyout = r.opt_i64(7);
  a.days = static_cast<int>(r.i64(8));
  a.state = r.str(9);
  row.item_hold = r.i64(10);
  row.top_bid = r.opt_i64(11);
  a.top_bidder = r.opt_i64(12);
  a.top_amount = r.i64(13);
  a.bids = r.i64(14);
  a.created_at = r.i64(15);
  a.ends_at = r.i64(16);
  a.settled_at = r.opt_i64(17);
  a.fee = r.i64(18);
  return row;
}

BidRow bid_of(const store::Row& r) {
  return {{r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.str(4), r.i64(5), false}, r.i64(6)};
}

constexpr std::string_view kBidColumns =
    "id, auction_id, bidder, amount, state, created_at, hold_id";

}  // namespace

store::Migration auction_migration() {
  return {3, "auctions and bids", R"(
CREATE TABLE economy_auctions (
  id {{id}},
  seller BIGINT NOT NULL,
  item_id BIGINT NOT NULL REFERENCES economy_items (id),
  quantity BIGINT NOT NULL,
  serials TEXT NOT NULL,
  start_price BIGINT NOT NULL,
  increment BIGINT NOT NULL,
  buyout BIGINT,
  days BIGINT NOT NULL,
  state TEXT NOT NULL,
  item_hold BIGINT NOT NULL,
  top_bid BIGINT,
  top_bidder BIGINT,
  top_amount BIGINT NOT NULL,
  bids BIGINT NOT NULL,
  idempotency_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  settled_at BIGINT,
  fee BIGINT NOT NULL,
  UNIQUE (seller, idempotency_key)
);
CREATE INDEX economy_auctions_open ON economy_auctions (state, ends_at);
CREATE INDEX economy_auctions_seller ON economy_auctions (seller, state);
CREATE TABLE economy_bids (
  id {{id}},
  auction_id BIGINT NOT NULL REFERENCES economy_auctions (id),
  bidder BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  hold_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (bidder, idempotency_key)
);
CREATE INDEX economy_bids_auction ON economy_bids (auction_id, id);
CREATE INDEX economy_bids_bidder ON economy_bids (bidder, auction_id);
)"};
}

int64_t insert_auction(store::Tx& tx, const Auction& a, int64_t item_hold, const std::string& key) {
  return tx
      .exec(
          "INSERT INTO economy_auctions (seller, item_id, quantity, serials, start_price,"
          " increment, buyout, days, state, item_hold, top_amount, bids, idempotency_key,"
          " created_at, ends_at, fee) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, $11,"
          " $12, $13, 0) RETURNING id",
          {Value{a.seller}, Value{a.item_id}, Value{a.quantity},
           Value{nlohmann::json(a.serials).dump()}, Value{a.start_price}, Value{a.increment},
           opt(a.buyout), Value{int64_t{a.days}}, Value{a.state}, Value{item_hold}, Value{key},
           Value{a.created_at}, Value{a.ends_at}})
      .one()
      .i64(0);
}

void update_auction(store::Tx& tx, const AuctionRow& row) {
  const Auction& a = row.auction;
  tx.exec(
      "UPDATE economy_auctions SET serials = $1, state = $2, item_hold = $3, top_bid = $4,"
      " top_bidder = $5, top_amount = $6, bids = $7, ends_at = $8, settled_at = $9, fee = $10"
      " WHERE id = $11",
      {Value{nlohmann::json(a.serials).dump()}, Value{a.state}, Value{row.item_hold},
       opt(row.top_bid), opt(a.top_bidder), Value{a.top_amount}, Value{a.bids}, Value{a.ends_at},
       opt(a.settled_at), Value{a.fee}, Value{a.id}});
}

std::optional<AuctionRow> find_auction(store::Tx& tx, int64_t id, bool for_update) {
  const auto r =
      tx.exec("SELECT " + std::string(kAuctionColumns) + " FROM economy_auctions WHERE id = $1" +
                  std::string(for_update ? tx.for_update() : ""),
              {Value{id}});
  if (r.empty()) return std::nullopt;
  return row_of(r.one());
}

std::optional<int64_t> auction_id_by_key(store::Tx& tx, int64_t seller, const std::string& key) {
  const auto r =
      tx.exec("SELECT id FROM economy_auctions WHERE seller = $1 AND idempotency_key = $2",
              {Value{seller}, Value{key}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

int64_t open_auctions_of(store::Tx& tx, int64_t seller) {
  return tx
      .exec("SELECT COUNT(*) FROM economy_auctions WHERE seller = $1 AND state = 'open'",
            {Value{seller}})
      .one()
      .i64(0);
}

std::vector<Auction> auctions(store::Tx& tx, const std::string& state, int64_t user, int64_t before,
                              int limit) {
  std::string where = "id < $1";
  std::vector<Value> args{Value{before > 0 ? before : INT64_MAX}, Value{int64_t{limit}}};
  if (user != 0) {
    where += " AND (seller = $3 OR id IN (SELECT auction_id FROM economy_bids WHERE bidder = $3))";
    args.push_back(Value{user});
  } else if (state == "open") {
    where += " AND state = 'open'";
  } else {
    where += " AND state <> 'open'";
  }
  std::vector<Auction> out;
  for (const auto& r :
       tx.exec("SELECT " + std::string(kAuctionColumns) + " FROM economy_auctions WHERE " + where +
                   " ORDER BY id DESC LIMIT $2",
               args)
           .rows) {
    out.push_back(row_of(r).auction);
  }
  return out;
}

std::vector<int64_t> due_auctions(store::Tx& tx, Micros now, int limit) {
  std::vector<int64_t> out;
  for (const auto& r : tx.exec("SELECT id FROM economy_auctions WHERE state = 'open' AND"
                               " ends_at <= $1 ORDER BY ends_at LIMIT $2",
                               {Value{now}, Value{int64_t{limit}}})
                           .rows) {
    out.push_back(r.i64(0));
  }
  return out;
}

int64_t insert_bid(store::Tx& tx, const Bid& b, int64_t hold_id, const std::string& key) {
  return tx
      .exec(
          "INSERT INTO economy_bids (auction_id, bidder, amount, hold_id, state,"
          " idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          {Value{b.auction_id}, Value{b.bidder}, Value{b.amount}, Value{hold_id}, Value{b.state},
           Value{key}, Value{b.created_at}})
      .one()
      .i64(0);
}

std::optional<BidRow> find_bid(store::Tx& tx, int64_t id) {
  const auto r = tx.exec("SELECT " + std::string(kBidColumns) + " FROM economy_bids WHERE id = $1",
                         {Value{id}});
  if (r.empty()) return std::nullopt;
  return bid_of(r.one());
}

std::optional<BidRow> bid_by_key(store::Tx& tx, int64_t bidder, const std::string& key) {
  const auto r = tx.exec("SELECT " + std::string(kBidColumns) +
                             " FROM economy_bids WHERE bidder = $1 AND idempotency_key = $2",
                         {Value{bidder}, Value{key}});
  if (r.empty()) return std::nullopt;
  return bid_of(r.one());
}

void set_bid_state(store::Tx& tx, int64_t id, const std::string& state) {
  tx.exec("UPDATE economy_bids SET state = $1 WHERE id = $2", {Value{state}, Value{id}});
}

std::vector<Bid> bids_of(store::Tx& tx, int64_t auction_id, int limit) {
  std::vector<Bid> out;
  for (const auto& r : tx.exec("SELECT " + std::string(kBidColumns) +
                                   " FROM economy_bids WHERE auction_id = $1 ORDER BY id DESC"
                                   " LIMIT $2",
                               {Value{auction_id}, Value{int64_t{limit}}})
                           .rows) {
    out.push_back(bid_of(r).bid);
  }
  return out;
}

}  // namespace lucas::economy::sql
