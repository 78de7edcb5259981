#include "features/parser/parser_http.h"

#include "features/users/access.h"

namespace lucas::parser {

void register_http(http::Router& router, ParserService& parser, DriftMonitor& drift) {
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

  router.add("GET", "/api/v1/admin/parser/drift", [&drift](const http::Request& req) {
    const int limit = static_cast<int>(req.int_query("limit", 30, 1, 365));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : drift.history(req.require_scope(users::scope::kAdmin), limit))
      items.push_back(to_json(r));
    return http::Response::json(
        200, {{"items", items}, {"latest", items.empty() ? nlohmann::json(nullptr) : items[0]}});
  });
}

}  // namespace lucas::parser
