#include "features/admin/admin_module.h"

#include "features/admin/admin_http.h"

namespace lucas::admin {

void register_module(module::Module& m) {
  m.routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<AdminService>());
  });
}

}  // namespace lucas::admin
