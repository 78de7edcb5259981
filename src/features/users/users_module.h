// The users module: the users' tables, REST routes and the player's own bot commands (/start,
// /ping, /balance, /profile, /history; admins: /grant); and the adapters through which a
// feature's bot face that answers a users::User plugs into the module contract.
#pragma once

#include <functional>
#include <string>

#include "features/users/users.h"
#include "infra/module/module.h"

namespace lucas::users {

void register_module(module::Module& m);

// A bot face that answers the sender (whom the front door has just recorded) for this call.
using UserHandler =
    std::function<telegram::Reply(module::Services&, const User& user, const module::CommandCall&)>;
std::function<telegram::Reply(module::Services&, const module::CommandCall&)> with_user(
    UserHandler handler);

// A bot face that answers (the sender, the arguments, whether the chat is private), built from the
// services by `make`.
using UserCommand =
    std::function<telegram::Reply(const User& user, const std::string& args, bool private_chat)>;
std::function<telegram::Reply(module::Services&, const module::CommandCall&)> user_command(
    std::function<UserCommand(module::Services&)> make);

}  // namespace lucas::users
