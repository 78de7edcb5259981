#include "features/parser/parser_http.h"

#include <limits>

#include "features/users/access.h"

namespace lucas::parser {
namespace {

nlohmann::json decision_json(const Decision& d) {
  nlohmann::json credits = nlohmann::json::array();
  for (const auto& c : d.credit.credits) {
    credits.push_back({{"user_id", c.user_id},
                       {"player", c.player ? nlohmann::json(*c.player) : nullptr},
                       {"game_currency", c.game_currency},
                       {"game_amount", c.game_amount},
                       {"how", bank::how_name(c.how)},
                       {"amount_minor", c.minor},
                       {"transfer_id", c.transfer_id ? nlohmann::json(*c.transfer_id) : nullptr}});
  }
  return {{"item", to_json(d.item)},
          {"already_processed", d.credit.already_processed},
          {"credits", credits}};
}

}  // namespace

void register_http(http::Router& router, ParserService& parser, ReviewService& review,
                   DriftMonitor& drift) {
  // Parsing as a service (Requirement 1.1.4): any authenticated client.
  router.add("POST", "/api/v1/parser/parse", [&parser](const http::Request& req) {
    req.require_scope(users::scope::kParserParse);
    const auto body = req.json_body();
    if (!body.contains("text") || !body.at("text").is_string()) {
      throw Error(ErrorCode::kInvalidArgument, "the body needs a string field \"text\"");
    }
    const auto& text = body.at("text").get_ref<const std::string&>();
    if (text.size() > 16384) {
      throw Error(ErrorCode::kInvalidArgument, "a message is at most 16384 bytes");
    }
    const std::string key = body.contains("key") && body.at("key").is_string()
                                ? body.at("key").get<std::string>()
                                : std::string();
    return http::Response::json(200, to_json(parser.parse(text, key)));
  });

  router.add("GET", "/api/v1/admin/parser/reviews", [&review](const http::Request& req) {
    const int limit = static_cast<int>(req.int_query("limit", 50, 1, 200));
    const int64_t after = req.int_query("cursor", 0, 0, std::numeric_limits<int64_t>::max());
    const auto items = review.list(req.require_scope(users::scope::kAdmin),
                                   req.query_param("status").value_or("pending"), limit, after);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& it : items) out.push_back(to_json(it));
    return http::Response::json(
        200, {{"items", out},
              {"next_cursor", static_cast<int>(items.size()) == limit
                                  ? nlohmann::json(std::to_string(items.back().id))
                                  : nlohmann::json(nullptr)}});
  });

  router.add("GET", "/api/v1/admin/parser/reviews/{id}", [&review](const http::Request& req) {
    return http::Response::json(
        200, to_json(review.get(req.require_scope(users::scope::kAdmin), req.int_param("id"))));
  });

  router.add(
      "POST", "/api/v1/admin/parser/reviews/{id}/accept", [&review](const http::Request& req) {
        return http::Response::json(
            200, decision_json(
                     review.accept(req.require_scope(users::scope::kAdmin), req.int_param("id"))));
      });

  router.add("POST", "/api/v1/admin/parser/reviews/{id}/correct",
             [&review](const http::Request& req) {
               const int64_t actor = req.require_scope(users::scope::kAdmin);
               const Correction c = correction_from_json(req.json_body());
               return http::Response::json(
                   200, decision_json(review.correct(actor, req.int_param("id"), c)));
             });

  router.add("GET", "/api/v1/admin/parser/drift", [&drift](const http::Request& req) {
    const int limit = static_cast<int>(req.int_query("limit", 30, 1, 365));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : drift.history(req.require_scope(users::scope::kAdmin), limit))
      items.push_back(to_json(r));
    return http::Response::json(
        200, {{"items", items}, {"latest", items.empty() ? nlohmann::json(nullptr) : items[0]}});
  });

  router.add("GET", "/api/v1/admin/parser/status", [&review, &parser](const http::Request& req) {
    return http::Response::json(
        200, review.admin_status(req.require_scope(users::scope::kAdmin), parser));
  });
}

}  // namespace lucas::parser
