// The only translation unit that sees Beast and Asio.
#include "infra/http/server.h"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "base/blocking.h"
#include "base/ids.h"
#include "infra/http/ws_session.h"

namespace lucas::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A request id for a request that brought none: 16 hex digits from a per-thread splitmix64 stream
// seeded once from the system's random source. Ids only tie log lines and answers together, so
// they need to be unlikely to repeat, not unguessable; RAND_bytes per request was a third of a
// /healthz answer's cost.
std::string new_request_id() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[static_cast<size_t>(i)] = kHex[z & 0xF];
  return id;
}

std::string method_label(std::string_view m) {
  for (const char* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (m == known) return known;
  }
  return "other";
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, const Clock& c, telemetry::Registry& m)
      : options(std::move(o)),
        router(r),
        clock(c),
        metrics(m),
        acceptor(ioc),
        pool(static_cast<size_t>(std::max(1, options.worker_threads))) {}

  ServerOptions options;
  const Router& router;
  const Clock& clock;
  telemetry::Registry& metrics;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::thread_pool pool;
  std::vector<std::thread> threads;
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> in_flight{0};
  std::atomic<bool> stopped{false};
  bool started = false;
  std::unique_ptr<detail::WsContext> ws;  // the WebSocket endpoint, when enabled

  // The request metrics of each route, looked up in the registry once: the registry's lookup
  // takes its lock and builds the labels, which cost more than answering /healthz.
  struct RouteSeries {
    telemetry::Histogram* latency = nullptr;
    std::vector<std::tuple<std::string, int, telemetry::Counter*>> counts;  // method, status
  };
  // Requests of inline_first routes answered on the network thread, and sent on to the pool.
  telemetry::Counter* inline_answered = &metrics.counter(
      "lucas_http_inline_total", "Requests of inline-first routes by where they were answered",
      {{"result", "answered"}});
  telemetry::Counter* inline_redone = &metrics.counter(
      "lucas_http_inline_total", "Requests of inline-first routes by where they were answered",
      {{"result", "redone"}});
  std::shared_mutex series_mu;
  std::unordered_map<std::string, RouteSeries> series;

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  net::awaitable<void> send_error(beast::tcp_stream& stream, const Error& e, unsigned version,
                                  const std::string& request_id);
  void record(const std::string& method, const std::string& route, int status, double seconds);
};

void Server::Impl::record(const std::string& method, const std::string& route, int status,
                          double seconds) {
  const auto find = [&](const RouteSeries& r) -> telemetry::Counter* {
    for (const auto& [m, st, counter] : r.counts) {
      if (st == status && m == method) return counter;
    }
    return nullptr;
  };
  {
    std::shared_lock lock(series_mu);
    const auto it = series.find(route);
    if (it != series.end()) {
      if (auto* counter = find(it->second)) {
        counter->inc();
        it->second.latency->observe(seconds);
        return;
      }
    }
  }
  std::unique_lock lock(series_mu);
  auto& r = series[route];
  if (r.latency == nullptr) {
    r.latency = &metrics.histogram("lucas_http_request_duration_seconds",
                                   "HTTP request latency by route", {{"route", route}});
  }
  auto* counter = find(r);
  if (counter == nullptr) {
    counter = &metrics.counter(
        "lucas_http_requests_total", "HTTP requests by method, route and status",
        {{"method", method}, {"route", route}, {"status", std::to_string(status)}});
    r.counts.emplace_back(method, status, counter);
  }
  counter->inc();
  r.latency->observe(seconds);
}

net::awaitable<void> Server::Impl::send_error(beast::tcp_stream& stream, const Error& e,
                                              unsigned version, const std::string& request_id) {
  const Response r = Response::error(e, clock.now());
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "lucas");
  res.set(bhttp::field::content_type, r.content_type);
  res.set("X-Request-Id", request_id);
  res.keep_alive(false);
  res.body() = r.body;
  res.prepare_payload();
  stream.expires_after(std::chrono::seconds(options.read_timeout_s));
  beast::error_code ec;
  co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
  record("other", "unmatched", r.status, 0);
}

net::awaitable<void> Server::Impl::session(tcp::socket socket) {
  ++connections;
  struct Count {
    std::atomic<int64_t>& n;
    ~Count() { --n; }
  } count{connections};
  beast::tcp_stream stream(std::move(socket));
  std::string remote;
  {
    beast::error_code ec;
    const auto ep = stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  beast::flat_buffer buffer;
  bool first = true;
  while (!stopped) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(static_cast<uint64_t>(std::max<int64_t>(0, options.max_body_bytes)));
    const bool idle = !first && buffer.size() == 0;
    stream.expires_after(
        std::chrono::seconds(idle ? options.idle_timeout_s : options.read_timeout_s));
    beast::error_code ec;
    if (idle) {
      // Wait for the first byte of the next request with the idle timeout, then give the client
      // read_timeout_s for the whole request.
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        net::redirect_error(net::use_awaitable, ec));
      if (!ec && !parser.is_done()) {
        stream.expires_after(std::chrono::seconds(options.read_timeout_s));
        co_await bhttp::async_read(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
      }
    } else {
      co_await bhttp::async_read(stream, buffer, parser,
                                 net::redirect_error(net::use_awaitable, ec));
    }
    first = false;
    const std::string fallback_id = new_request_id();
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      break;
    }
    // Build the refusal outside any co_await expression (GCC 12 miscompiles string literals
    // inside them), then send it once.
    std::optional<Error> refusal;
    bool close_quietly = false;
    if (ec == beast::error::timeout) {
      if (parser.got_some() || buffer.size() > 0) {
        refusal.emplace(ErrorCode::kRequestTimeout,
                        std::string("the request was not received in time"));
      } else {
        close_quietly = true;
      }
    } else if (ec == bhttp::error::body_limit) {
      refusal.emplace(ErrorCode::kPayloadTooLarge, std::string("the request body is too large"),
                      nlohmann::json{{"max_bytes", options.max_body_bytes}});
    } else if (ec == bhttp::error::header_limit) {
      refusal.emplace(ErrorCode::kPayloadTooLarge,
                      std::string("the request headers are too large"));
    } else if (ec) {
      refusal.emplace(ErrorCode::kInvalidArgument, std::string("malformed HTTP request"),
                      nlohmann::json{{"reason", ec.message()}});
    }
    if (close_quietly) break;
    if (refusal) {
      co_await send_error(stream, *refusal, 11, fallback_id);
      break;
    }

    const auto started_at = std::chrono::steady_clock::now();
    auto& msg = parser.get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.remote_addr = remote;
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req.headers[name] = std::string(field.value());
    }
    const std::string incoming_id = req.header("x-request-id");
    req.request_id = valid_request_id(incoming_id) ? incoming_id : fallback_id;
    req.body = std::move(msg.body());

    Response res;
    std::string route = "unmatched";
    const std::string_view target = req.target;
    const size_t q = target.find('?');
    auto path = percent_decode(target.substr(0, q), false);
    bool bad = !path || path->empty() || path->front() != '/';
    if (!bad && q != std::string_view::npos) {
      auto query = parse_form(target.substr(q + 1));
      if (query) {
        req.query = std::move(*query);
      } else {
        bad = true;
      }
    }
    const bool ws_path = !bad && ws && *path == ws->options.path;
    if (ws_path && beast::websocket::is_upgrade(msg)) {
      req.path = *path;
      detail::start_websocket(*ws, std::move(stream), parser.release(), std::move(req));
      co_return;  // the WebSocket session owns the connection now
    }
    if (bad) {
      res = Response::error(Error(ErrorCode::kInvalidArgument, "malformed request target"),
                            clock.now());
    } else if (ws_path) {
      res = Response::error(
          Error(ErrorCode::kInvalidArgument, "this endpoint needs a WebSocket upgrade"),
          clock.now());
      route = ws->options.path;
    } else {
      req.path = *path;
      Router::Match match = router.match(req.method, req.path);
      ++in_flight;
      Router::Progress progress;
      bool answered = false;
      if (match.on_io_thread) {
        res = router.dispatch(req, std::move(match), clock, &route);  // never blocks
        answered = true;
      } else if (match.inline_first) {
        // Answered here when every step finds what it needs in memory; the first step that
        // would block throws WouldBlock before doing anything, and the pool carries on.
        try {
          const InlineAttempt attempt;
          res = router.dispatch(req, match, clock, &route, &progress);
          answered = true;
        } catch (const WouldBlock&) {
        }
        (answered ? inline_answered : inline_redone)->inc();
      }
      if (!answered) {
        res = co_await net::co_spawn(
            pool,
            [this, &req, &route, &match, &progress]() -> net::awaitable<Response> {
              co_return router.dispatch(req, std::move(match), clock, &route, &progress);
            },
            net::use_awaitable);
      }
      --in_flight;
    }

    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), msg.version()};
    out.set(bhttp::field::server, "lucas");
    out.set(bhttp::field::content_type, res.content_type);
    out.set("X-Request-Id", req.request_id);
    for (const auto& [k, v] : res.headers) out.set(k, v);
    const bool keep_alive = msg.keep_alive() && !stopped;
    out.keep_alive(keep_alive);
    out.body() = std::move(res.body);
    out.prepare_payload();
    const size_t bytes = out.body().size();
    // Counted before the write: once a client has its answer, the request is in the metrics.
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
    record(method_label(req.method), route, res.status, seconds);
    stream.expires_after(std::chrono::seconds(options.read_timeout_s));
    co_await bhttp::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
    if (options.access_log) {
      // The path only: a query string may carry a token (?token= on the WebSocket endpoint).
      const std::string_view logged = target.substr(0, std::min(q, size_t{200}));
      spdlog::info("{} {} {} {}{} {} {:.2f}ms {}B", req.request_id, remote, req.method, logged,
                   q == std::string_view::npos ? "" : "?…", res.status, seconds * 1000, bytes);
    }
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> Server::Impl::accept_loop() {
  while (!stopped) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(
        net::make_strand(ioc), net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (stopped || ec == net::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    auto executor = socket.get_executor();
    net::co_spawn(executor, session(std::move(socket)), net::detached);
  }
}

Server::Server(ServerOptions options, const Router& router, const Clock& clock,
               telemetry::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, clock, metrics)) {
  impl_->metrics.gauge(
      "lucas_http_connections_active", "Open HTTP connections",
      [impl = impl_.get()] { return static_cast<double>(impl->connections.load()); });
}

Server::~Server() {
  stop();
}

void Server::set_websocket(WebSocketOptions options) {
  auto& s = *impl_;
  if (s.started) throw std::logic_error("set_websocket must be called before start");
  if (options.hub == nullptr || !options.admit || !options.missed) {
    throw std::invalid_argument("a WebSocket endpoint needs a hub, admit and missed");
  }
  s.ws.reset(new detail::WsContext{
      std::move(options), s.clock, s.metrics, s.pool, s.options.access_log,
      [impl = impl_.get()](const std::string& m, const std::string& r, int status, double seconds) {
        impl->record(m, r, status, seconds);
      }});
}

uint16_t Server::start() {
  auto& s = *impl_;
  const auto address = net::ip::make_address(s.options.host);
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(net::socket_base::reuse_address(true));
  s.acceptor.bind(endpoint);
  s.acceptor.listen(net::socket_base::max_listen_connections);
  const uint16_t port = s.acceptor.local_endpoint().port();
  net::co_spawn(s.ioc, s.accept_loop(), net::detached);
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  s.started = true;
  return port;
}

void Server::stop() {
  auto& s = *impl_;
  if (s.stopped.exchange(true)) return;
  if (!s.started) return;
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  // Let in-flight requests finish, for a few seconds at most.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (s.in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (s.ws) {
    // WebSocket clients are told the server is going away (1001) and given a moment to answer
    // the close handshake.
    auto* hub = s.ws->options.hub;
    hub->close_all("server shutting down");
    const auto ws_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (hub->connections() > 0 && std::chrono::steady_clock::now() < ws_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.pool.join();
  if (s.ws) {
    std::lock_guard lock(s.ws->live_mu);
    for (int64_t id : s.ws->live) s.ws->options.hub->detach(id);
    s.ws->live.clear();
  }
}

void Server::run_until_signal() {
  auto& s = *impl_;
  net::signal_set signals(s.ioc, SIGINT, SIGTERM);
  std::promise<void> got;
  signals.async_wait([&got](const beast::error_code&, int) { got.set_value(); });
  got.get_future().wait();
  stop();
}

}  // namespace lucas::http
