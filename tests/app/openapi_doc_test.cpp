// The served OpenAPI document: every route of the default platform (and Telegram's webhook left
// out) is documented and nothing else is; and the document is complete enough for the explorer
// and for client generators — every operation has an id, a summary, a description, declared
// tags, its security, a success answer with a schema and an example; every property of every
// schema is described; every $ref resolves; every scope named exists; every /api/ operation says
// it can be rate-limited.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "app/app.h"
#include "infra/http/openapi.h"
#include "tests/support/databases.h"

namespace lucas {
namespace {

using nlohmann::json;

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch"};

Config webhook_config(const std::string& dir) {
  Config c;
  c.data_dir = dir;
  c.telegram_token = "4242:openapi-test";
  c.telegram_mode = "webhook";
  c.telegram_webhook_secret = "s3cret-s3cret-s3cret";
  c.public_url = "https://lucas.example";
  c.telegram_bot_username = "lucas_bot";
  c.parser_auto_train = false;
  return c;
}

// Every object in `j` (recursively), with a JSON-pointer-like path for messages.
void walk(const json& j, const std::string& at,
          const std::function<void(const json&, const std::string&)>& f) {
  f(j, at);
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) walk(v, at + "/" + k, f);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) walk(j[i], at + "/" + std::to_string(i), f);
  }
}

const json* resolve(const json& doc, const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  const json* at = &doc;
  size_t start = 2;
  while (start <= ref.size()) {
    const size_t slash = ref.find('/', start);
    const std::string key =
        ref.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!at->is_object() || !at->contains(key)) return nullptr;
    at = &(*at)[key];
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return at;
}

class ServedDocument : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = std::make_unique<app::App>(webhook_config(dir_.path()));
    app_->migrate();
    app_->register_routes(router_);
    http::Request req;
    req.method = "GET";
    req.path = "/api/v1/openapi.json";
    const auto res = router_.dispatch(req, app_->clock);
    ASSERT_EQ(res.status, 200);
    doc_ = json::parse(res.body);
  }
  testing::TempDir dir_;
  std::unique_ptr<app::App> app_;
  http::Router router_;
  json doc_;
};

TEST_F(ServedDocument, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(doc_, app::api_document(app_->modules)) << "the route serves the registry's document";
  EXPECT_EQ(http::check_routes(router_, doc_, app::served_outside_router()),
            std::vector<std::string>{});
  size_t operations = 0;
  for (const auto& [path, item] : doc_["paths"].items()) {
    EXPECT_EQ(path.find("/telegram/webhook"), std::string::npos) << "the webhook's path is secret";
    operations += item.size();
  }
  EXPECT_GE(operations, 45u);
  // The CLI's document is the same (`lucas openapi`), for the default modules.
  EXPECT_EQ(doc_, app::api_document(app::default_modules()));
}

TEST_F(ServedDocument, EveryOperationIsCompleteForTheExplorerAndGenerators) {
  std::set<std::string> tags;
  for (const auto& t : doc_["tags"]) {
    tags.insert(t["name"].get<std::string>());
    EXPECT_FALSE(t.value("description", "").empty()) << t.dump();
  }
  const auto& scopes =
      doc_["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"];
  EXPECT_GE(scopes.size(), 5u);
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (kMethods.count(method) == 0) continue;
      const std::string where = method + " " + path;
      for (const char* key : {"operationId", "summary", "description"}) {
        EXPECT_FALSE(op.value(key, "").empty()) << where << " has no " << key;
      }
      ASSERT_TRUE(op.contains("tags") && !op["tags"].empty()) << where;
      for (const auto& t : op["tags"])
        EXPECT_EQ(tags.count(t.get<std::string>()), 1u) << where << " tag " << t;
      ASSERT_TRUE(op.contains("security") && op["security"].is_array())
          << where << " has no security";
      for (const auto& requirement : op["security"]) {
        for (const auto& [scheme, needed] : requirement.items()) {
          EXPECT_TRUE(doc_["components"]["securitySchemes"].contains(scheme))
              << where << " " << scheme;
          for (const auto& s : needed) {
            if (scheme == "oauth2") {
              EXPECT_TRUE(scopes.contains(s)) << where << " names scope " << s;
            }
          }
        }
      }
      ASSERT_TRUE(op.contains("responses")) << where;
      bool success = false;
      for (const auto& [status, answer] : op["responses"].items()) {
        if (status[0] != '2' && status != "101") continue;
        success = true;
        EXPECT_FALSE(answer.value("description", "").empty()) << where << " " << status;
        const json content = answer.value("content", json::object());
        for (const auto& [type, media] : content.items()) {
          EXPECT_TRUE(media.contains("schema")) << where << " " << status << " " << type;
          EXPECT_TRUE(media.contains("example") || media.contains("examples"))
              << where << " " << status << " " << type << " has no example";
        }
      }
      EXPECT_TRUE(success) << where << " has no success answer";
      if (path.rfind("/api/", 0) == 0 && path != "/api/v1/openapi.json") {
        EXPECT_TRUE(op["responses"].contains("429")) << where << " does not list 429";
      }
    }
  }
}

TEST_F(ServedDocument, EverySchemaPropertyIsDescribedAndEveryRefResolves) {
  size_t refs = 0;
  walk(doc_, "#", [&](const json& j, const std::string& at) {
    if (!j.is_object()) return;
    if (j.contains("$ref") && j["$ref"].is_string()) {
      ++refs;
      EXPECT_NE(resolve(doc_, j["$ref"].get<std::string>()), nullptr) << at << " -> " << j["$ref"];
    }
    // A schema's properties (not an example that happens to have a "properties" key).
    if (at.find("/example") != std::string::npos) return;
    if (j.contains("properties") && j["properties"].is_object() &&
        j.value("type", json()) == "object") {
      for (const auto& [name, property] : j["properties"].items()) {
        const bool described = property.contains("description") || property.contains("$ref");
        EXPECT_TRUE(described) << at << "/properties/" << name << " has no description";
      }
    }
  });
  EXPECT_GE(refs, 100u);
}

}  // namespace
}  // namespace lucas
