// REST face of auctions: the public listing and an auction with its bids; creating, bidding and
// withdrawing for players. Every route calls one AuctionService method.
#include "features/economy/auction_http.h"

#include "base/money.h"
#include "base/money_json.h"
#include "features/economy/economy_parts.h"
#include "features/users/users_http.h"

namespace lucas::economy {
namespace {

int64_t amount_of(const nlohmann::json& b, const std::string& field) {
  if (!b.contains(field) || !b[field].is_string()) {
    throw field_error(field, "must be an amount like \"12.50\"");
  }
  return parse_amount(b[field].get<std::string>(), 2);
}

int64_t integer_of(const nlohmann::json& b, const std::string& field, int64_t fallback) {
  if (!b.contains(field)) return fallback;
  if (!b[field].is_number_integer()) throw field_error(field, "must be an integer");
  return b[field].get<int64_t>();
}

nlohmann::json auction_json(const Auction& a) {
  const auto opt = [](const std::optional<int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"id", a.id},
          {"seller", a.seller},
          {"item_id", a.item_id},
          {"name", {{"ru", a.name_ru}, {"en", a.name_en}}},
          {"quantity", a.quantity},
          {"serials", a.serials},
          {"start_price", coins_json(a.start_price)},
          {"increment", coins_json(a.increment)},
          {"buyout", a.buyout ? coins_json(*a.buyout) : nlohmann::json(nullptr)},
          {"days", a.days},
          {"state", a.state},
          {"top_bidder", opt(a.top_bidder)},
          {"top_amount", a.bids > 0 ? coins_json(a.top_amount) : nlohmann::json(nullptr)},
          {"bids", a.bids},
          {"next_min", a.state == "open" ? coins_json(a.next_min) : nlohmann::json(nullptr)},
          {"fee", coins_json(a.fee)},
          {"created_at", format_rfc3339(a.created_at)},
          {"ends_at", format_rfc3339(a.ends_at)},
          {"settled_at",
           a.settled_at ? nlohmann::json(format_rfc3339(*a.settled_at)) : nlohmann::json(nullptr)},
          {"replayed", a.replayed}};
}

nlohmann::json bid_json(const Bid& b) {
  return {{"id", b.id},
          {"auction_id", b.auction_id},
          {"bidder", b.bidder},
          {"amount", coins_json(b.amount)},
          {"state", b.state},
          {"created_at", format_rfc3339(b.created_at)},
          {"replayed", b.replayed}};
}

}  // namespace

void register_auction_http(http::Router& router, AuctionService& service) {
  // ?state=open|ended|mine&before=&limit=
  router.add("GET", "/api/v1/auctions", [&service](const http::Request& req) {
    AuctionQuery q;
    q.state = req.query_param("state").value_or("open");
    q.before = req.int_query("before", 0, 0, INT64_MAX);
    q.limit = static_cast<int>(req.int_query("limit", 20, 1, 100));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : service.list(users::actor_of(req), q)) items.push_back(auction_json(a));
    return http::Response::json(200, id_page_json(std::move(items), q.limit));
  });

  router.add("GET", "/api/v1/auctions/{id}", [&service](const http::Request& req) {
    const int64_t id = req.int_param("id");
    auto j = auction_json(service.get(id));
    nlohmann::json bids = nlohmann::json::array();
    for (const auto& b : service.bids(id, 50)) bids.push_back(bid_json(b));
    j["recent_bids"] = std::move(bids);
    return http::Response::json(200, j);
  });

  // Idempotency-Key; {"item_id", "quantity", "serials", "start_price", "increment", "buyout",
  // "days"}
  router.add("POST", "/api/v1/auctions", [&service](const http::Request& req) {
    const auto b = req.json_body(
        "expected {\"item_id\": 3, \"start_price\": \"10.00\", \"days\": 1, \"buyout\": \"50.00\"}");
    AuctionDraft d;
    if (!b.contains("item_id")) throw field_error("item_id", "the item to sell is required");
    d.item_id = integer_of(b, "item_id", 0);
    d.quantity = integer_of(b, "quantity", 1);
    if (b.contains("serials")) {
      if (!b["serials"].is_array() || b["serials"].size() > 1000) {
        throw field_error("serials", "must be a list of numbers");
      }
      for (const auto& s : b["serials"]) {
        if (!s.is_number_integer()) throw field_error("serials", "must be a list of numbers");
        d.serials.push_back(s.get<int64_t>());
      }
    }
    d.start_price = amount_of(b, "start_price");
    if (b.contains("increment") && !b["increment"].is_null()) {
      d.increment = amount_of(b, "increment");
    }
    if (b.contains("buyout") && !b["buyout"].is_null()) d.buyout = amount_of(b, "buyout");
    d.days = static_cast<int>(integer_of(b, "days", 1));
    const auto a = service.create(users::actor_of(req), d, req.header("idempotency-key"));
    return http::Response::json(a.replayed ? 200 : 201, auction_json(a));
  });

  // Idempotency-Key; {"amount": "12.00"}
  router.add("POST", "/api/v1/auctions/{id}/bids", [&service](const http::Request& req) {
    const auto b = req.json_body("expected {\"amount\": \"12.00\"}");
    const int64_t id = req.int_param("id");
    const auto bid = service.bid(users::actor_of(req), id, amount_of(b, "amount"),
                                 req.header("idempotency-key"));
    auto j = bid_json(bid);
    j["auction"] = auction_json(service.get(id));
    return http::Response::json(bid.replayed ? 200 : 201, j);
  });

  router.add("POST", "/api/v1/auctions/{id}/cancel", [&service](const http::Request& req) {
    return http::Response::json(
        200, auction_json(service.cancel(users::actor_of(req), req.int_param("id"))));
  });
}

}  // namespace lucas::economy
