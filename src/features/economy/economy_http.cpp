#include "features/economy/economy_http.h"

#include "base/money_json.h"
#include "features/economy/economy_parts.h"
#include "features/users/users_http.h"

namespace lucas::economy {
namespace {

nlohmann::json opt_time(const std::optional<Micros>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json opt_int(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Field readers for the admin's item body: each names the field and what it must be.
std::optional<std::string> text(const nlohmann::json& b, const char* f) {
  if (!b.contains(f)) return std::nullopt;
  if (!b[f].is_string()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(f) + ": must be a string", {{"field", f}});
  }
  return b[f].get<std::string>();
}

std::optional<bool> flag(const nlohmann::json& b, const char* f) {
  if (!b.contains(f)) return std::nullopt;
  if (!b[f].is_boolean()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(f) + ": must be true or false",
                {{"field", f}});
  }
  return b[f].get<bool>();
}

std::optional<int64_t> integer(const nlohmann::json& b, const char* f) {
  if (!b.contains(f)) return std::nullopt;
  if (b[f].is_null()) return 0;  // clears (per_user_limit)
  if (!b[f].is_number_integer()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(f) + ": must be an integer",
                {{"field", f}});
  }
  return b[f].get<int64_t>();
}

std::optional<int64_t> price(const nlohmann::json& b, const char* f) {
  auto t = text(b, f);
  if (!t) return std::nullopt;
  try {
    return parse_amount(*t, 2);
  } catch (const Error&) {
    throw Error(ErrorCode::kInvalidArgument, std::string(f) + ": must be an amount like \"12.50\"",
                {{"field", f}});
  }
}

std::optional<Micros> time(const nlohmann::json& b, const char* f) {
  if (!b.contains(f)) return std::nullopt;
  if (b[f].is_null()) return 0;  // clears
  const auto t = b[f].is_string() ? parse_rfc3339(b[f].get<std::string>()) : std::nullopt;
  if (!t) {
    throw Error(ErrorCode::kInvalidArgument, std::string(f) + ": must be an RFC 3339 time",
                {{"field", f}});
  }
  return *t;
}

ItemDraft draft_of(const http::Request& req) {
  const auto b = req.json_body("expected an item: {\"slug\", \"name_ru\", \"name_en\", ...}");
  ItemDraft d;
  d.slug = text(b, "slug");
  d.name_ru = text(b, "name_ru");
  d.name_en = text(b, "name_en");
  d.description_ru = text(b, "description_ru");
  d.description_en = text(b, "description_en");
  d.category = text(b, "category");
  d.rarity = text(b, "rarity");
  d.tradeable = flag(b, "tradeable");
  d.giftable = flag(b, "giftable");
  d.serialized = flag(b, "serialized");
  d.active = flag(b, "active");
  d.total_supply = integer(b, "total_supply");
  d.per_user_limit = integer(b, "per_user_limit");
  d.base_price = price(b, "base_price");
  d.min_price = price(b, "min_price");
  d.max_price = price(b, "max_price");
  if (auto pct = integer(b, "seasonal_pct")) d.seasonal_pct = static_cast<int>(*pct);
  d.available_from = time(b, "available_from");
  d.available_until = time(b, "available_until");
  return d;
}

nlohmann::json purchase_json(const Purchase& p) {
  return {{"id", p.id},
          {"item_id", p.item_id},
          {"user_id", p.user_id},
          {"quantity", p.quantity},
          {"unit_price", coins_json(p.unit_price)},
          {"total", coins_json(p.total)},
          {"serials", p.serials},
          {"created_at", format_rfc3339(p.created_at)},
          {"replayed", p.replayed}};
}

}  // namespace

nlohmann::json item_json(const Item& i) {
  return {{"id", i.id},
          {"slug", i.slug},
          {"name", {{"ru", i.name_ru}, {"en", i.name_en}}},
          {"description", {{"ru", i.description_ru}, {"en", i.description_en}}},
          {"category", i.category},
          {"rarity", i.rarity},
          {"asset", i.asset},
          {"tradeable", i.tradeable},
          {"giftable", i.giftable},
          {"serialized", i.serialized},
          {"total_supply", opt_int(i.total_supply)},
          {"left", opt_int(i.left())},
          {"per_user_limit", opt_int(i.per_user_limit)},
          {"price", coins_json(i.shown())},
          {"base_price", coins_json(i.base_price)},
          {"min_price", coins_json(i.min_price)},
          {"max_price", coins_json(i.max_price)},
          {"seasonal_pct", i.seasonal_pct},
          {"available_from", opt_time(i.available_from)},
          {"available_until", opt_time(i.available_until)},
          {"active", i.active}};
}

void register_http(http::Router& router, EconomyService& service) {
  // ?category=&rarity=&min_price=&max_price=&sort=name|price|-price|trend&limit=&offset=&all=true
  router.add("GET", "/api/v1/shop/items", [&service](const http::Request& req) {
    ShopQuery q;
    q.category = req.query_param("category");
    q.rarity = req.query_param("rarity");
    if (auto v = req.query_param("min_price"))
      q.min_price = price({{"min_price", *v}}, "min_price");
    if (auto v = req.query_param("max_price"))
      q.max_price = price({{"max_price", *v}}, "max_price");
    q.sort = req.query_param("sort").value_or("name");
    q.limit = static_cast<int>(req.int_query("limit", 20, 1, 100));
    q.offset = req.int_query("offset", 0, 0, 1'000'000'000);
    q.include_inactive = req.query_param("all") == "true";
    const auto page = service.browse(users::actor_of(req), q);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& l : page.items) {
      auto j = item_json(l.item);
      j["trend_bp"] = l.trend_bp;
      items.push_back(std::move(j));
    }
    return http::Response::json(
        200, {{"items", std::move(items)},
              {"total", page.total},
              {"next_offset", page.next_offset ? nlohmann::json(*page.next_offset) : nullptr}});
  });

  router.add("GET", "/api/v1/shop/items/{id}", [&service](const http::Request& req) {
    const int64_t id = req.int_param("id");
    auto j = item_json(service.item(id));
    nlohmann::json history = nlohmann::json::array();
    for (const auto& p : service.price_history(id, 30)) {
      history.push_back({{"day", format_rfc3339(p.day)},
                         {"price", coins_json(p.price)},
                         {"bought_recent", p.recent},
                         {"bought_before", p.before}});
    }
    j["price_history"] = std::move(history);
    return http::Response::json(200, j);
  });

  // {"item_id": 3, "quantity": 1}
  router.add("POST", "/api/v1/shop/quotes", [&service](const http::Request& req) {
    constexpr std::string_view kExpected = "expected {\"item_id\": 3, \"quantity\": 1}";
    const auto b = req.json_body(kExpected);
    const auto item = integer(b, "item_id");
    if (!item) throw Error(ErrorCode::kInvalidArgument, std::string(kExpected));
    const auto q = service.quote(users::actor_of(req), *item, integer(b, "quantity").value_or(1));
    return http::Response::json(201, {{"id", q.id},
                                      {"item_id", q.item_id},
                                      {"quantity", q.quantity},
                                      {"unit_price", coins_json(q.unit_price)},
                                      {"total", coins_json(q.total)},
                                      {"expires_at", format_rfc3339(q.expires_at)}});
  });

  // Idempotency-Key: ...; {"quote_id": "q_..."}
  router.add("POST", "/api/v1/shop/purchases", [&service](const http::Request& req) {
    constexpr std::string_view kExpected = "expected {\"quote_id\": \"q_...\"}";
    const auto quote = text(req.json_body(kExpected), "quote_id");
    if (!quote) throw Error(ErrorCode::kInvalidArgument, std::string(kExpected));
    const auto p = service.buy(users::actor_of(req), *quote, req.header("idempotency-key"));
    return http::Response::json(p.replayed ? 200 : 201, purchase_json(p));
  });

  router.add("GET", "/api/v1/users/{id}/inventory", [&service](const http::Request& req) {
    const int64_t id = req.int_param("id");
    nlohmann::json items = nlohmann::json::array();
    for (const auto& h : service.inventory(users::actor_of(req), id)) {
      items.push_back(
          {{"item", item_json(h.item)}, {"quantity", h.quantity}, {"serials", h.serials}});
    }
    return http::Response::json(200, {{"user_id", id}, {"items", std::move(items)}});
  });

  router.add("POST", "/api/v1/admin/items", [&service](const http::Request& req) {
    return http::Response::json(
        201, item_json(service.create_item(users::actor_of(req), draft_of(req))));
  });

  router.add("PATCH", "/api/v1/admin/items/{id}", [&service](const http::Request& req) {
    return http::Response::json(
        200,
        item_json(service.update_item(users::actor_of(req), req.int_param("id"), draft_of(req))));
  });
}

}  // namespace lucas::economy
