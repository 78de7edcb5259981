// The HTTP server: Boost.Beast + Asio C++20 coroutines on a few I/O threads; handlers run on a
// bounded worker pool so that database work never blocks network I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "infra/http/http.h"
#include "infra/realtime/hub.h"
#include "infra/telemetry/metrics.h"

namespace lucas::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  // 0 picks a free port
  int io_threads = 2;
  int worker_threads = 4;
  int64_t max_body_bytes = 1 << 20;
  int read_timeout_s = 15;  // a client must send a whole request within this
  int idle_timeout_s = 60;  // keep-alive connections idle longer are closed
  bool access_log = true;
};

// The WebSocket endpoint: upgrade requests on `path` are admitted by `admit` and joined to `hub`
// (see infra/realtime/wire.h for the protocol). Both callbacks run on the worker pool.
struct WebSocketOptions {
  std::string path = "/api/v1/ws";
  realtime::Hub* hub = nullptr;
  // Returns who the connection belongs to (the user, and the API client that obtained the token;
  // a bare user id converts); throws lucas::Error to refuse the upgrade with that error's HTTP
  // answer (UNAUTHORIZED, USER_BANNED, RATE_LIMITED, ...).
  std::function<realtime::Admission(const Request&)> admit;
  // The user's notifications after `after_id`, oldest first, at most `limit` (resume).
  std::function<std::vector<realtime::Notification>(int64_t user_id, int64_t after_id, int limit)>
      missed;
  int heartbeat_s = 30;           // a ping after heartbeat_s/2 of silence; closed after heartbeat_s
  size_t max_frame_bytes = 4096;  // larger client messages close the connection (1009)
  size_t queue_messages = 256;    // per connection; beyond either bound the client is dropped
  size_t queue_bytes = 1024 * 1024;
  int replay_limit = 1000;  // notifications replayed on resume, at most
  // Client messages per connection per minute (clock time). Beyond it they are ignored, with one
  // RATE_LIMITED error frame saying when to go on; at twice it the connection is closed (1008).
  // 0: unlimited.
  int client_messages_per_minute = 120;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, const Clock& clock,
         telemetry::Registry& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Enables the WebSocket endpoint; call before start().
  void set_websocket(WebSocketOptions options);

  // Binds and starts the I/O and worker threads; returns the bound port. Throws on bind errors.
  uint16_t start();
  // Stops accepting, lets in-flight requests finish (up to a few seconds), closes WebSocket
  // connections with 1001 "going away", joins the threads.
  void stop();
  // Blocks until SIGINT or SIGTERM, then stops.
  void run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lucas::http
