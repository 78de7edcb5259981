// Reading auctions, and what they tell their players (WebSocket and a bot message).
#include "base/money.h"
#include "features/economy/auction.h"
#include "features/economy/auction_store.h"
#include "features/economy/economy_store.h"
#include "infra/telegram/direct.h"

namespace lucas::economy {

void AuctionService::fill(store::Tx& tx, Auction& a) {
  if (const auto item = sql::find_item(tx, a.item_id)) {
    a.name_ru = item->name_ru;
    a.name_en = item->name_en;
  }
  a.next_min = a.state == "open"
                   ? min_next_bid(a.start_price, a.increment,
                                  a.bids > 0 ? std::optional<int64_t>(a.top_amount) : std::nullopt)
                   : 0;
}

Auction AuctionService::get(int64_t auction_id) {
  return db_.read([&](store::Tx& tx) {
    auto row = sql::find_auction(tx, auction_id);
    if (!row) {
      throw Error(ErrorCode::kNotFound, "no auction " + std::to_string(auction_id),
                  {{"id", auction_id}});
    }
    fill(tx, row->auction);
    return row->auction;
  });
}

std::vector<Auction> AuctionService::list(const users::Actor& actor, const AuctionQuery& q) {
  if (q.limit < 1 || q.limit > 100) {
    throw Error(ErrorCode::kInvalidArgument, "limit: must be between 1 and 100",
                {{"field", "limit"}});
  }
  if (q.state != "open" && q.state != "ended" && q.state != "mine") {
    throw Error(ErrorCode::kInvalidArgument, "state: must be open, ended or mine",
                {{"field", "state"}});
  }
  int64_t user = 0;
  if (q.state == "mine") {
    actor.require_scope(users::scope::kAuctionWrite);
    user = actor.user_id;
  }
  return db_.read([&](store::Tx& tx) {
    auto out = sql::auctions(tx, q.state, user, q.before, q.limit);
    for (auto& a : out) fill(tx, a);
    return out;
  });
}

std::vector<Bid> AuctionService::bids(int64_t auction_id, int limit) {
  get(auction_id);  // NOT_FOUND
  return db_.read([&](store::Tx& tx) { return sql::bids_of(tx, auction_id, limit); });
}

void AuctionService::notify(store::Tx& tx, const Auction& a, int64_t user, const std::string& event,
                            int64_t amount) {
  const std::string id = std::to_string(a.id);
  if (notifier_ != nullptr) {
    notifier_->push_to_user(
        tx, user, "auction." + event,
        {{"id", a.id}, {"state", a.state}, {"amount", format_amount(amount, 2)}},
        "auction:" + id + ":" + event + ":" + std::to_string(user) + ":" + std::to_string(amount));
  }
  if (outbox_ == nullptr) return;
  const auto item = sql::find_item(tx, a.item_id);
  telegram::Direct m;
  m.user = user;
  m.key = "auction_dm_" + event;
  m.args = {{"id", id},
            {"item",
             {{"ru", std::to_string(a.quantity) + " × " + (item ? item->name_ru : "?")},
              {"en", std::to_string(a.quantity) + " × " + (item ? item->name_en : "?")}}},
            {"amount", format_amount(amount, 2)},
            {"fee", format_amount(auction_fee(amount), 2)},
            {"net", format_amount(amount - auction_fee(amount), 2)}};
  if (event == "outbid") {
    const int64_t next = checked_add(amount, a.increment);
    m.keyboard = {{{"auction_bid_button", "/bid " + id + " " + format_amount(next, 2)}}};
    m.args["next"] = format_amount(next, 2);
  }
  telegram::publish_direct(*outbox_, tx, m);
}

}  // namespace lucas::economy
