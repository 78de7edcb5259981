// A blocking Beast WebSocket client with timeouts, for the tests of the real server.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace lucas::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// A blocking client with timeouts: each call runs the client's own io_context for a while.
class WsClient {
 public:
  explicit WsClient(uint16_t port) : ws_(ioc_) { port_ = port; }

  // The HTTP status of the upgrade: 101 when connected.
  int connect(const std::string& target) {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                                         ec);
    if (ec) return 0;
    websocket::response_type res;
    ws_.handshake(res, "127.0.0.1:" + std::to_string(port_), target, ec);
    return static_cast<int>(res.result_int());
  }
  void send(const std::string& text) { ws_.write(net::buffer(text)); }

  // The next message, or nullopt after `timeout` (or when the connection ended).
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    beast::flat_buffer buffer;
    std::optional<beast::error_code> result;
    ws_.async_read(buffer, [&](beast::error_code ec, size_t) { result = ec; });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!result) {
      beast::get_lowest_layer(ws_).cancel();
      ioc_.restart();
      ioc_.run_for(std::chrono::seconds(1));
      return std::nullopt;
    }
    if (*result) {
      last_error_ = *result;
      return std::nullopt;
    }
    return nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
  }
  // Skips messages until one of `type` arrives.
  std::optional<nlohmann::json> until(
      const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto m = next(left);
      if (!m || (*m)["type"] == type) return m;
    }
  }
  beast::error_code last_error() const { return last_error_; }
  websocket::stream<beast::tcp_stream>& stream() { return ws_; }

 private:
  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  uint16_t port_ = 0;
  beast::error_code last_error_;
};

}  // namespace lucas::testing
