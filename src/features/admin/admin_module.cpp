#include "features/admin/admin_module.h"

#include "features/admin/admin_http.h"
#include "infra/http/api_documents.h"

namespace lucas::admin {

void register_module(module::Module& m) {
  m.api(http::api_document("admin"));  // admin_api.json: its routes in the OpenAPI document
  m.routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<AdminService>());
  });
}

}  // namespace lucas::admin
