// REST face of the admin panel's health, jobs, backups and live logs (session or bearer token with
// the `admin` scope; roles are checked by the service).
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
// One log line {seq, time, level, msg, cut}, and a page of them with its cursor and counts.
nlohmann::json to_json(const LogLine& line);
nlohmann::json to_json(const LogPage& page, const std::string& node);

}  // namespace lucas::health
