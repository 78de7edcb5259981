#include "features/health/health_module.h"

#include "features/health/health_http.h"
#include "infra/http/api_documents.h"

namespace lucas::health {

void register_module(module::Module& m) {
  m.api(http::api_document("health"));  // health_api.json: its routes in the OpenAPI document
  m.routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<HealthService>());
  });
}

}  // namespace lucas::health
