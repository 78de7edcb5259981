// REST face of notifications: POST /api/v1/ws/token gives the authenticated caller a WebSocket
// token and the URL to connect to; POST /api/v1/ws/broadcast lets an admin push a topic message.
#pragma once

#include <string>

#include "features/notifications/notifications.h"
#include "infra/http/http.h"

namespace lucas::notifications {

void register_http(http::Router& router, NotificationService& service, std::string public_url);

}  // namespace lucas::notifications
