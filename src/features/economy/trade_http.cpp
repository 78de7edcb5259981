// REST face of trading: offers (make, preview, change, accept, cancel), a player's trades, and the
// staff's scam flags. Every route calls one TradeService method.
#include "features/economy/trade_http.h"
#include "base/money.h"
#include "base/money_json.h"
#include "features/economy/economy_parts.h"
#include "features/users/users_http.h"

namespace lucas::economy {
namespace {

int64_t integer(const nlohmann::json& j, const std::string& field) {
  if (!j.is_number_integer()) throw field_error(field, "must be an integer");
  return j.get<int64_t>();
}

// {"coins": "12.50", "items": [{"item_id": 3, "quantity": 1, "serials": [17]}]}; absent: nothing.
TradeSide side_of(const nlohmann::json& body, const std::string& name) {
  TradeSide side;
  if (!body.contains(name) || body[name].is_null()) return side;
  const auto& j = body[name];
  if (!j.is_object()) throw field_error(name, "must be {\"coins\": \"12.50\", \"items\": [...]}");
  if (j.contains("coins") && !j["coins"].is_null()) {
    if (!j["coins"].is_string())
      throw field_error(name + ".coins", "must be an amount like \"12.50\"");
    side.coins = parse_amount(j["coins"].get<std::string>(), 2);
  }
  if (j.contains("items")) {
    if (!j["items"].is_array() || j["items"].size() > 100) {
      throw field_error(name + ".items", "must be a list of {\"item_id\", \"quantity\"}");
    }
    for (const auto& l : j["items"]) {
      if (!l.is_object() || !l.contains("item_id")) {
        throw field_error(name + ".items", "each needs an item_id");
      }
      TradeLine line;
      line.item_id = integer(l["item_id"], name + ".items.item_id");
      line.quantity = l.contains("quantity") ? integer(l["quantity"], name + ".items.quantity") : 1;
      if (l.contains("serials")) {
        if (!l["serials"].is_array() || l["serials"].size() > 1000) {
          throw field_error(name + ".items.serials", "must be a list of numbers");
        }
        for (const auto& s : l["serials"]) {
          line.serials.push_back(integer(s, name + ".items.serials"));
        }
      }
      side.items.push_back(std::move(line));
    }
  }
  return side;
}

TradeDraft draft_of(const http::Request& req, bool with_recipient) {
  const auto b = req.json_body(
      "expected {\"to\": 102, \"give\": {\"coins\": \"10.00\", \"items\": [{\"item_id\": 3, "
      "\"quantity\": 1}]}, \"want\": {...}}");
  TradeDraft d;
  if (with_recipient) {
    if (!b.contains("to")) throw field_error("to", "the recipient's id is required");
    d.to = integer(b["to"], "to");
  }
  d.give = side_of(b, "give");
  d.want = side_of(b, "want");
  if (b.contains("note")) {
    if (!b["note"].is_string()) throw field_error("note", "must be a string");
    d.note = b["note"].get<std::string>();
  }
  if (b.contains("confirm_low_value")) {
    if (!b["confirm_low_value"].is_boolean()) {
      throw field_error("confirm_low_value", "must be true or false");
    }
    d.confirm_low_value = b["confirm_low_value"].get<bool>();
  }
  return d;
}

nlohmann::json side_json(const TradeSide& s) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : s.items) {
    items.push_back({{"item_id", l.item_id},
                     {"quantity", l.quantity},
                     {"serials", l.serials},
                     {"name", {{"ru", l.name_ru}, {"en", l.name_en}}}});
  }
  return {{"coins", coins_json(s.coins)}, {"items", std::move(items)}};
}

nlohmann::json trade_json(const Trade& t) {
  return {{"id", t.id},
          {"from", t.from},
          {"to", t.to},
          {"state", t.state},
          {"version", t.version},
          {"seen_version", t.seen_version},
          {"give", side_json(t.give)},
          {"want", side_json(t.want)},
          {"give_value", coins_json(t.give_value)},
          {"want_value", coins_json(t.want_value)},
          {"give_fee", coins_json(t.give_fee != 0 ? t.give_fee : trade_fee(t.give.coins))},
          {"want_fee", coins_json(t.want_fee != 0 ? t.want_fee : trade_fee(t.want.coins))},
          {"flags", t.flags},
          {"note", t.note},
          {"created_at", format_rfc3339(t.created_at)},
          {"updated_at", format_rfc3339(t.updated_at)},
          {"expires_at", format_rfc3339(t.expires_at)},
          {"resolved_at", t.resolved_at ? nlohmann::json(format_rfc3339(*t.resolved_at))
                                        : nlohmann::json(nullptr)},
          {"replayed", t.replayed}};
}

}  // namespace

void register_trade_http(http::Router& router, TradeService& service) {
  // Idempotency-Key: ...; {"to", "give", "want", "note", "confirm_low_value"}
  router.add("POST", "/api/v1/trades", [&service](const http::Request& req) {
    const auto t =
        service.offer(users::actor_of(req), draft_of(req, true), req.header("idempotency-key"));
    return http::Response::json(t.replayed ? 200 : 201, trade_json(t));
  });

  router.add("POST", "/api/v1/trades/preview", [&service](const http::Request& req) {
    const auto p = service.preview(users::actor_of(req), draft_of(req, true));
    return http::Response::json(200, {{"give_value", coins_json(p.give_value)},
                                      {"want_value", coins_json(p.want_value)},
                                      {"give_fee", coins_json(p.give_fee)},
                                      {"want_fee", coins_json(p.want_fee)},
                                      {"lopsided", p.lopsided}});
  });

  // ?state=pending|done&before=&limit=
  router.add("GET", "/api/v1/trades", [&service](const http::Request& req) {
    TradeQuery q;
    q.state = req.query_param("state").value_or("");
    q.before = req.int_query("before", 0, 0, INT64_MAX);
    q.limit = static_cast<int>(req.int_query("limit", 20, 1, 100));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t : service.list(users::actor_of(req), q)) items.push_back(trade_json(t));
    return http::Response::json(200, id_page_json(std::move(items), q.limit));
  });

  router.add("GET", "/api/v1/trades/{id}", [&service](const http::Request& req) {
    return http::Response::json(200,
                                trade_json(service.get(users::actor_of(req), req.int_param("id"))));
  });

  // {"give", "want", "note", "confirm_low_value"}: a new version of the offer.
  router.add("PUT", "/api/v1/trades/{id}", [&service](const http::Request& req) {
    return http::Response::json(
        200,
        trade_json(service.edit(users::actor_of(req), req.int_param("id"), draft_of(req, false))));
  });

  // {"version": 2, "confirm_low_value": false}
  router.add("POST", "/api/v1/trades/{id}/accept", [&service](const http::Request& req) {
    const auto b = req.json_body("expected {\"version\": 1}");
    if (!b.contains("version")) throw field_error("version", "the version you accept is required");
    bool confirm = false;
    if (b.contains("confirm_low_value")) {
      if (!b["confirm_low_value"].is_boolean()) {
        throw field_error("confirm_low_value", "must be true or false");
      }
      confirm = b["confirm_low_value"].get<bool>();
    }
    const auto t = service.accept(users::actor_of(req), req.int_param("id"),
                                  integer(b["version"], "version"), confirm);
    return http::Response::json(200, trade_json(t));
  });

  router.add("POST", "/api/v1/trades/{id}/cancel", [&service](const http::Request& req) {
    return http::Response::json(
        200, trade_json(service.cancel(users::actor_of(req), req.int_param("id"))));
  });

  // ?before=&limit=
  router.add("GET", "/api/v1/admin/trade-flags", [&service](const http::Request& req) {
    nlohmann::json items = nlohmann::json::array();
    const int limit = static_cast<int>(req.int_query("limit", 50, 1, 200));
    for (const auto& f :
         service.flags(users::actor_of(req), req.int_query("before", 0, 0, INT64_MAX), limit)) {
      items.push_back({{"id", f.id},
                       {"trade_id", f.trade_id},
                       {"kind", f.kind},
                       {"evidence", f.evidence},
                       {"created_at", format_rfc3339(f.created_at)}});
    }
    return http::Response::json(200, id_page_json(std::move(items), limit));
  });
}

}  // namespace lucas::economy
