// Internal to infra/http: the WebSocket side of the server (server.cpp hands an upgrade request
// over to it). Only server.cpp and ws_session.cpp include this header.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "base/clock.h"
#include "infra/http/server.h"
#include "infra/telemetry/metrics.h"

namespace lucas::http::detail {

struct WsContext {
  WebSocketOptions options;
  const Clock& clock;
  telemetry::Registry& metrics;
  boost::asio::thread_pool& pool;
  bool access_log = true;
  // Counts an HTTP answer (method, route, status, seconds) like every other request.
  std::function<void(const std::string&, const std::string&, int, double)> record;

  // Hub connection ids of this server's live sessions: whatever is left when the server stops is
  // detached, so the hub never holds a session past its io_context.
  std::mutex live_mu{};
  std::set<int64_t> live{};
  void track(int64_t id) {
    std::lock_guard lock(live_mu);
    live.insert(id);
  }
  void untrack(int64_t id) {
    std::lock_guard lock(live_mu);
    live.erase(id);
  }
};

// Takes over the connection: admits the caller, upgrades, and runs the session until it closes.
void start_websocket(WsContext& ctx, boost::beast::tcp_stream stream,
                     boost::beast::http::request<boost::beast::http::string_body> upgrade,
                     Request request);

}  // namespace lucas::http::detail
