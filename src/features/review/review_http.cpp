#include "features/review/review_http.h"

#include <limits>

#include "features/users/access.h"

namespace lucas::review {
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

void register_http(http::Router& router, ReviewService& review, parser::ParserService& parser) {
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

  router.add("GET", "/api/v1/admin/parser/status", [&review, &parser](const http::Request& req) {
    return http::Response::json(
        200, review.admin_status(req.require_scope(users::scope::kAdmin), parser));
  });
}

}  // namespace lucas::review
