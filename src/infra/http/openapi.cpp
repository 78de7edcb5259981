#include "infra/http/openapi.h"

#include <algorithm>
#include <cctype>

#include "base/error.h"
#include "infra/http/api_documents.h"

namespace lucas::http {
namespace {

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

[[noreturn]] void fail(const std::string& fragment, const std::string& what) {
  throw Error(ErrorCode::kInternal, "API document " + fragment + ": " + what);
}

nlohmann::json parse_fragment(const ApiFragment& f) {
  auto j = nlohmann::json::parse(f.text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) fail(f.name, "is not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "tags" && key != "paths" && key != "components") {
      fail(f.name, "has '" + key + "'; a fragment holds only tags, paths and components");
    }
    if (key == "tags" ? !value.is_array() : !value.is_object()) {
      fail(f.name, "'" + key + "' has the wrong type");
    }
  }
  return j;
}

void merge(nlohmann::json& doc, const ApiFragment& f, std::set<std::string>& operation_ids) {
  const nlohmann::json j = parse_fragment(f);
  for (const auto& tag : j.value("tags", nlohmann::json::array())) {
    if (!tag.is_object() || !tag.contains("name")) fail(f.name, "a tag without a name");
    const auto& tags = doc["tags"];
    const bool known = std::any_of(tags.begin(), tags.end(),
                                   [&](const auto& t) { return t["name"] == tag["name"]; });
    if (!known) doc["tags"].push_back(tag);
  }
  // (items() of a temporary would dangle: each part is held here first.)
  const nlohmann::json paths = j.value("paths", nlohmann::json::object());
  for (const auto& [path, item] : paths.items()) {
    if (!item.is_object()) fail(f.name, path + " is not an object");
    for (const auto& [method, operation] : item.items()) {
      const std::string where = method + " " + path;
      if (doc["paths"].contains(path) && doc["paths"][path].contains(method)) {
        fail(f.name, where + " is documented twice");
      }
      if (std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods)) {
        const std::string id = operation.value("operationId", "");
        if (id.empty()) fail(f.name, where + " has no operationId");
        if (!operation_ids.insert(id).second) fail(f.name, "operationId " + id + " is taken");
      }
      doc["paths"][path][method] = operation;
    }
  }
  const nlohmann::json components = j.value("components", nlohmann::json::object());
  for (const auto& [kind, entries] : components.items()) {
    for (const auto& [name, value] : entries.items()) {
      auto& slot = doc["components"][kind][name];
      if (!slot.is_null() && slot != value) {
        fail(f.name, "defines components." + kind + "." + name + " differently");
      }
      slot = value;
    }
  }
}

}  // namespace

nlohmann::json build_openapi(const ApiInfo& info, const std::vector<ApiFragment>& fragments) {
  nlohmann::json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", info.title},
        {"version", info.version},
        {"description", info.description},
        {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Lucas"}}}}},
      {"servers", {{{"url", "/"}, {"description", "this server"}}}},
      {"tags", nlohmann::json::array()},
      {"paths", nlohmann::json::object()},
      {"components", nlohmann::json::object()},
  };
  std::set<std::string> operation_ids;
  merge(doc, ApiFragment{"platform", api_document("platform")}, operation_ids);
  for (const auto& f : fragments) merge(doc, f, operation_ids);
  auto& scopes =
      doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"];
  for (const auto& [name, description] : info.scopes) scopes[name] = description;
  return doc;
}

std::vector<std::string> check_routes(const Router& router, const nlohmann::json& document,
                                      const std::set<std::string>& served_elsewhere) {
  std::vector<std::string> problems;
  std::set<std::string> routed;
  const auto paths = document.value("paths", nlohmann::json::object());
  for (const auto& r : router.routes()) {
    if (r.options.undocumented) continue;
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    routed.insert(r.method + " " + r.pattern);
    if (!paths.contains(r.pattern) || !paths[r.pattern].contains(method)) {
      problems.push_back(r.method + " " + r.pattern + ": no operation documents this route");
    }
  }
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, operation] : item.items()) {
      if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
        continue;  // parameters, summary, ... of the path item
      }
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const std::string key = upper + " " + path;
      if (routed.count(key) == 0 && served_elsewhere.count(key) == 0) {
        problems.push_back(key + ": documented, but no route answers it");
      }
    }
  }
  return problems;
}

}  // namespace lucas::http
