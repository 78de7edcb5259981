// The health module: the admin panel's health series, jobs and backups (REST). The composition
// root builds the HealthService (it owns readiness, the scheduler and the backups) and puts it
// into the services.
#pragma once

#include "infra/module/module.h"

namespace lucas::health {

void register_module(module::Module& m);

}  // namespace lucas::health
