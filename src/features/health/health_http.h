// REST face of the admin panel's health, jobs and backups (session or bearer token with the
// `admin` scope; roles are checked by the service).
#pragma once

#include <nlohmann/json.hpp>

#include "features/health/health.h"
#include "infra/http/http.h"

namespace lucas::health {

void register_http(http::Router& router, HealthService& service);

// The answers' JSON (health_api.json documents them).
nlohmann::json to_json(const HealthReport& r);
nlohmann::json to_json(const jobs::JobStatus& j);
nlohmann::json to_json(const backup::Manifest& m);

}  // namespace lucas::health
