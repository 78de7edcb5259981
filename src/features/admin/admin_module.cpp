#include "features/admin/admin_module.h"

#include "features/admin/admin_http.h"
#include "infra/http/api_documents.h"

namespace lucas::admin {

void register_module(module::Module& m) {
  m.api(http::api_document("admin"));  // admin_api.json: its routes in the OpenAPI document
  m.provide([](module::Services& s) {
     s.put(std::make_unique<UserDesk>(s.get<users::UserService>(), s.get<AdminService>(),
                                      s.get<bank::BankService>(),
                                      s.get<sessions::SessionService>()));
   }).routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<AdminService>());
    register_user_http(router, s.get<users::UserService>(), s.get<UserDesk>());
  });
}

}  // namespace lucas::admin
