// The users module: the users' tables and REST routes; and the adapter through which features whose
// bot faces answer a users::User plug into the module contract.
#pragma once

#include <functional>
#include <string>

#include "features/users/users.h"
#include "infra/module/module.h"

namespace lucas::users {

void register_module(module::Module& m);

// A bot face that answers (the sender, the arguments, whether the chat is private).
using UserCommand =
    std::function<std::string(const User& user, const std::string& args, bool private_chat)>;
// The module contract's handler for such a face: reads the sender (whom the front door has just
// stored) and calls the face `make` builds from the services.
std::function<std::string(module::Services&, const module::CommandCall&)> user_command(
    std::function<UserCommand(module::Services&)> make);

}  // namespace lucas::users
