// The platform's OpenAPI document, assembled from the modules' fragments.
#include "infra/http/openapi.h"
#include "app/modules.h"
#include "features/users/access.h"
#include "infra/http/api_documents.h"

#ifndef LUCAS_VERSION
#define LUCAS_VERSION "dev"
#endif

namespace lucas::app {

nlohmann::json api_document(const std::vector<module::Module>& modules) {
  http::ApiInfo info;
  info.title = "Lucas API";
  info.version = LUCAS_VERSION;
  info.description =
      "The REST API of the Lucas platform: the bank of a Telegram gaming community, its users, "
      "leaderboards and real-time notifications. Money amounts are exact decimal strings; every "
      "error has the same body (`Error`); every answer carries `X-Request-Id`, and every /api/ "
      "answer the rate limiter counted carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`, "
      "`X-RateLimit-Reset`, `RateLimit` and `RateLimit-Policy`. The guide (authentication, "
      "scopes, rate limits, errors, paging, idempotency, the WebSocket protocol, examples) is in "
      "`docs/api/` of the repository.";
  for (const auto& s : users::scope_catalog()) {
    info.scopes.emplace_back(std::string(s.name), std::string(s.description));
  }
  std::vector<http::ApiFragment> fragments{{"ops", http::api_document("ops")}};
  for (const auto& m : modules) {
    for (const auto& text : m.api_texts()) fragments.push_back({m.name(), text});
  }
  return http::build_openapi(info, fragments);
}

std::set<std::string> served_outside_router() {
  return {"GET /api/v1/ws"};
}

}  // namespace lucas::app
