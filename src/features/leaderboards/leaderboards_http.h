// REST face of the leaderboards: decode, call one service method, encode.
//   GET /api/v1/leaderboards                       the boards: name, what the score means, periods
//   GET /api/v1/leaderboards/{board}?period=&limit=&user_id=&period_id=
//       (the viewer's line is for user_id, or for the authenticated user when it is absent)
// The rendered top of each board and period is cached and re-rendered only when the board has
// changed (the service's generation) or is older than `max_age` (changes made by other nodes).
#pragma once

#include <nlohmann/json.hpp>

#include "features/leaderboards/leaderboards.h"
#include "infra/http/http.h"

namespace lucas::leaderboards {

void register_http(http::Router& router, LeaderboardService& service, const Clock& clock,
                   Micros max_age = 1'000'000);

nlohmann::json to_json(const BoardSpec& b, const Entry& e);
nlohmann::json to_json(const BoardSpec& b, const View& v);

}  // namespace lucas::leaderboards
