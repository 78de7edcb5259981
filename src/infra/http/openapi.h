// The OpenAPI 3.1 document, assembled from fragments. Each module documents its routes in its own
// fragment (src/features/<name>/<name>_api.json: `tags`, `paths`, `components`), beside the code
// that registers them; the platform's shared parts (the error body, money, the standard error
// answers, the security schemes) are in infra/http/platform_api.json. `check_routes` compares the
// document with the router, so a route cannot go undocumented nor a description outlive its route.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "infra/http/http.h"

namespace lucas::http {

struct ApiInfo {
  std::string title;
  std::string version;
  std::string description;  // markdown
  // The OAuth scopes (name, what it allows), for the oauth2 security scheme.
  std::vector<std::pair<std::string, std::string>> scopes;
};

// A fragment: where it comes from (a module's name, for errors) and its JSON text.
struct ApiFragment {
  std::string name;
  std::string text;
};

// Merges the platform's fragment and `fragments` into one document. INTERNAL naming the fragment
// when one is not a JSON object of `tags`, `paths` and `components`, when two describe the same
// operation or use the same operationId, or when two define one component differently.
nlohmann::json build_openapi(const ApiInfo& info, const std::vector<ApiFragment>& fragments);

// What differs between the router and the document, one line each: "GET /x: no operation
// documents this route", "GET /y: documented, but no route answers it". Undocumented routes
// (RouteOptions::undocumented) are skipped; `served_elsewhere` lists "METHOD /path" operations
// that the server answers outside the router (the WebSocket endpoint).
std::vector<std::string> check_routes(const Router& router, const nlohmann::json& document,
                                      const std::set<std::string>& served_elsewhere = {});

}  // namespace lucas::http
