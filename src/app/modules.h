// The platform's feature modules, in the order they are provided and wired. Adding a feature is a
// folder with its register_module and one line in default_registrations().
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "infra/module/module.h"
#include "infra/store/migrate.h"

namespace lucas::app {

using Registrations = std::vector<std::pair<std::string, module::Registration>>;

// Every feature module of `lucas`.
Registrations default_registrations();
// The default modules, declared (module::declare).
std::vector<module::Module> default_modules();

// Every migration set, in dependency order: the infrastructure's (events, jobs, audit, telegram,
// ledger, realtime), then each module's in module order.
std::vector<store::MigrationSet> all_migrations(const std::vector<module::Module>& modules);
std::vector<store::MigrationSet> all_migrations();  // of default_modules()

// The OpenAPI 3.1 document of the platform (`GET /api/v1/openapi.json`, `lucas openapi`): the
// platform's and the app's own fragments and each module's, with the OAuth scopes of the code.
nlohmann::json api_document(const std::vector<module::Module>& modules);
// "METHOD /path" operations the server answers outside the router (the WebSocket endpoint).
std::set<std::string> served_outside_router();

}  // namespace lucas::app
