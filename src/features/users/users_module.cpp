#include "features/users/users_module.h"

#include "features/users/users_http.h"

namespace lucas::users {

void register_module(module::Module& m) {
  m.migrations(migrations).routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<UserService>());
  });
}

std::function<std::string(module::Services&, const module::CommandCall&)> user_command(
    std::function<UserCommand(module::Services&)> make) {
  return [make = std::move(make)](module::Services& s, const module::CommandCall& call) {
    const User user = s.get<UserService>().get(call.user_id);
    return make(s)(user, call.args, call.private_chat);
  };
}

}  // namespace lucas::users
