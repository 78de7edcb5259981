// REST face of notifications: POST /api/v1/ws/token gives the authenticated caller a WebSocket
// token and the URL to connect to; POST /api/v1/ws/broadcast lets an admin push a topic message;
// GET /api/v1/me/notifications lists the caller's notifications with their read state and
// POST /api/v1/me/notifications/read marks them read up to an id.
#pragma once

#include <string>

#include "features/notifications/notifications.h"
#include "features/notifications/notifications_inbox.h"
#include "infra/http/http.h"

namespace lucas::notifications {

void register_http(http::Router& router, NotificationService& service, Inbox& inbox,
                   std::string public_url);

}  // namespace lucas::notifications
