// WebSocket load client: opens N concurrent authenticated connections to one `lucas serve`,
// reports the server's memory per connection (VmRSS delta / N, read from /proc/PID/status),
// then has an admin broadcast one topic message and measures the time until every connection
// has it. Run it as its own process (ulimit -n is 20,000 per process): see bench/ws_10k.sh.
//   ws_load --port P --server-pid PID --secret S --admin-token T [--connections 10000]
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "infra/realtime/token.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int connections = 10000;
  int in_flight = 256;  // handshakes at once
  long server_pid = 0;
  std::string secret;
  std::string admin_token;
};

long rss_kb(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

struct Shared {
  Args args;
  std::vector<std::string> tokens;
  std::atomic<int> ready{0};
  std::atomic<int> failed{0};
  std::atomic<int> received{0};
  std::atomic<int> next{0};
  std::atomic<bool> done{false};
  Clock::time_point sent_at;
  std::vector<Clock::time_point> got_at;
};

net::awaitable<void> connection(
    Shared& s, int index,
    std::vector<std::unique_ptr<websocket::stream<beast::tcp_stream>>>& keep) {
  auto ex = co_await net::this_coro::executor;
  auto ws = std::make_unique<websocket::stream<beast::tcp_stream>>(ex);
  beast::error_code ec;
  const tcp::endpoint ep(net::ip::make_address(s.args.host), s.args.port);
  co_await beast::get_lowest_layer(*ws).async_connect(ep,
                                                      net::redirect_error(net::use_awaitable, ec));
  const std::string host = s.args.host + ":" + std::to_string(s.args.port);
  const std::string target = "/api/v1/ws?token=" + s.tokens[static_cast<size_t>(index)];
  if (!ec) co_await ws->async_handshake(host, target, net::redirect_error(net::use_awaitable, ec));
  beast::flat_buffer buf;
  if (!ec) co_await ws->async_read(buf, net::redirect_error(net::use_awaitable, ec));  // welcome
  buf.consume(buf.size());
  const std::string sub = R"({"op":"subscribe","topic":"bench.broadcast"})";
  if (!ec) co_await ws->async_write(net::buffer(sub), net::redirect_error(net::use_awaitable, ec));
  if (!ec) co_await ws->async_read(buf, net::redirect_error(net::use_awaitable, ec));  // subscribed
  buf.consume(buf.size());
  if (ec) {
    ++s.failed;
    co_return;
  }
  ++s.ready;
  auto* raw = ws.get();
  keep[static_cast<size_t>(index)] = std::move(ws);
  // Wait for the broadcast (skipping protocol messages).
  for (;;) {
    co_await raw->async_read(buf, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    const std::string text = beast::buffers_to_string(buf.data());
    buf.consume(buf.size());
    if (text.find("\"bench.tick\"") != std::string::npos) {
      s.got_at[static_cast<size_t>(index)] = Clock::now();
      ++s.received;
      co_return;
    }
  }
}

// Starts connections, at most `in_flight` handshakes at a time.
net::awaitable<void> opener(
    Shared& s, std::vector<std::unique_ptr<websocket::stream<beast::tcp_stream>>>& keep) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer t(ex);
  for (;;) {
    const int i = s.next.fetch_add(1);
    if (i >= s.args.connections) co_return;
    while (i - s.ready - s.failed >= s.args.in_flight) {
      t.expires_after(std::chrono::milliseconds(2));
      co_await t.async_wait(net::use_awaitable);
    }
    net::co_spawn(ex, connection(s, i, keep), net::detached);
  }
}

int broadcast(const Args& a) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address(a.host), a.port));
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/ws/broadcast", 11};
  req.set(bhttp::field::host, a.host);
  req.set(bhttp::field::authorization, "Bearer " + a.admin_token);
  req.set(bhttp::field::content_type, "application/json");
  req.body() = R"({"topic":"bench.broadcast","type":"bench.tick","data":{"n":1}})";
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buf, res);
  if (res.result_int() != 200)
    std::cerr << "broadcast: " << res.result_int() << " " << res.body() << "\n";
  return static_cast<int>(res.result_int());
}

}  // namespace

int main(int argc, char** argv) {
  Shared s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--host")
      s.args.host = v;
    else if (k == "--port")
      s.args.port = static_cast<uint16_t>(std::stoi(v));
    else if (k == "--connections")
      s.args.connections = std::stoi(v);
    else if (k == "--in-flight")
      s.args.in_flight = std::stoi(v);
    else if (k == "--server-pid")
      s.args.server_pid = std::stol(v);
    else if (k == "--secret")
      s.args.secret = v;
    else if (k == "--admin-token")
      s.args.admin_token = v;
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (s.args.secret.empty() || s.args.admin_token.empty() || s.args.server_pid == 0) {
    std::cerr << "usage: ws_load --port P --server-pid PID --secret S --admin-token T "
                 "[--connections N]\n";
    return 2;
  }
  const int n = s.args.connections;
  // Tokens are signed here with the server's ws.token_secret: one user per connection.
  lucas::SystemClock clock;
  lucas::realtime::TokenSigner signer(s.args.secret, clock, 3'600'000'000);
  for (int i = 0; i < n; ++i) s.tokens.push_back(signer.issue(1'000'000 + i).token);
  s.got_at.resize(static_cast<size_t>(n));
  std::vector<std::unique_ptr<websocket::stream<beast::tcp_stream>>> keep(static_cast<size_t>(n));

  const long rss_before = rss_kb(s.args.server_pid);
  net::io_context ioc(1);
  auto work = net::make_work_guard(ioc);
  net::co_spawn(ioc, opener(s, keep), net::detached);
  std::thread io([&] { ioc.run(); });
  const auto t0 = Clock::now();
  while (s.ready + s.failed < n) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double connect_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the server settle
  const long rss_after = rss_kb(s.args.server_pid);
  std::printf("connections: %d open, %d failed, in %.1f s (%.0f/s)\n", s.ready.load(),
              s.failed.load(), connect_s, s.ready / connect_s);
  std::printf("server RSS: %ld KB before, %ld KB with %d connections: %.2f KB per connection\n",
              rss_before, rss_after, s.ready.load(),
              static_cast<double>(rss_after - rss_before) / std::max(1, s.ready.load()));

  for (int round = 0; round < 1; ++round) {
    s.sent_at = Clock::now();
    if (broadcast(s.args) != 200) return 1;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (s.received < s.ready && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    if (s.got_at[static_cast<size_t>(i)] != Clock::time_point{}) {
      ms.push_back(
          std::chrono::duration<double, std::milli>(s.got_at[static_cast<size_t>(i)] - s.sent_at)
              .count());
    }
  }
  std::sort(ms.begin(), ms.end());
  if (!ms.empty()) {
    std::printf(
        "broadcast: %zu of %d received; first %.1f ms, median %.1f ms, p99 %.1f ms, all %.1f ms "
        "(from the admin POST)\n",
        ms.size(), s.ready.load(), ms.front(), ms[ms.size() / 2], ms[ms.size() * 99 / 100],
        ms.back());
  }
  const bool ok = static_cast<int>(ms.size()) == s.ready.load() && s.failed == 0;
  work.reset();
  ioc.stop();
  io.join();
  return ok ? 0 : 1;
}
