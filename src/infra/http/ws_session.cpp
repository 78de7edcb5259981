// One WebSocket connection: Beast's websocket stream on the connection's strand, a coroutine that
// reads client messages, and a callback-driven writer draining a bounded queue. Beast's own
// timeout option is the heartbeat: after heartbeat_s/2 of silence it pings, and a peer silent for
// heartbeat_s is closed.
#include "infra/http/ws_session.h"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <charconv>
#include <chrono>
#include <optional>

#include "infra/realtime/hub.h"

namespace lucas::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using realtime::Frame;

namespace {

struct Counters {
  telemetry::Counter* opened;
  telemetry::Counter* closed;
  telemetry::Counter* sent;
  telemetry::Counter* dropped_slow;
  telemetry::Counter* bad_frames;
  telemetry::Counter* rate_limited;
};

Counters counters(telemetry::Registry& m) {
  return {&m.counter("lucas_ws_connections_opened_total", "WebSocket connections accepted"),
          &m.counter("lucas_ws_connections_closed_total", "WebSocket connections ended"),
          &m.counter("lucas_ws_messages_sent_total", "WebSocket messages written to clients"),
          &m.counter("lucas_ws_slow_clients_dropped_total",
                     "WebSocket clients dropped because their send queue overflowed"),
          &m.counter("lucas_ws_bad_client_messages_total",
                     "Client WebSocket messages refused (not JSON, unknown op, binary)"),
          &m.counter("lucas_ws_client_messages_limited_total",
                     "Client WebSocket messages ignored over the per-connection rate limit")};
}

std::optional<int64_t> parse_id(const std::string& s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

class Session final : public realtime::Peer, public std::enable_shared_from_this<Session> {
 public:
  Session(WsContext& ctx, beast::tcp_stream stream, bhttp::request<bhttp::string_body> upgrade,
          Request request)
      : ctx_(ctx),
        c_(counters(ctx.metrics)),
        ws_(std::move(stream)),
        queue_(ctx.options.queue_messages, ctx.options.queue_bytes),
        upgrade_(std::move(upgrade)),
        request_(std::move(request)) {}

  void send(Frame frame) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
      self->enqueue(std::move(f));
    });
  }

  void close(uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
      self->begin_close(code, r);
    });
  }

  // Takes the session by value: the coroutine frame keeps it alive.
  static net::awaitable<void> run(std::shared_ptr<Session> self);

 private:
  net::awaitable<bool> handshake();
  net::awaitable<void> read_loop();
  void handle(const std::string& text);
  // Counts a client message against the per-minute budget; false when it must be ignored.
  bool admit_message();
  void enqueue(Frame f);
  void write_next();
  void begin_close(uint16_t code, const std::string& reason);
  void drop();
  Frame error_frame(const std::string& message, const std::string& code = "INVALID_ARGUMENT",
                    nlohmann::json extra = nlohmann::json::object()) const {
    extra["error_code"] = code;
    extra["message"] = message;
    return realtime::system_frame("error", std::move(extra), ctx_.clock.now());
  }

  WsContext& ctx_;
  Counters c_;
  websocket::stream<beast::tcp_stream> ws_;
  realtime::SendQueue queue_;
  // Only during the handshake; released afterwards (memory per connection matters).
  std::optional<bhttp::request<bhttp::string_body>> upgrade_;
  std::optional<Request> request_;
  int64_t user_id_ = 0;
  int64_t conn_ = 0;
  bool writing_ = false;
  bool closing_ = false;  // a close was asked for: nothing more is queued
  bool dead_ = false;     // the socket is gone
  std::optional<websocket::close_reason> pending_close_;
  Micros window_start_ = 0;  // the client-message budget's current minute
  int window_messages_ = 0;
};

bool Session::admit_message() {
  const int limit = ctx_.options.client_messages_per_minute;
  if (limit <= 0) return true;
  const Micros now = ctx_.clock.now();
  if (window_messages_ == 0 || now - window_start_ >= 60'000'000) {
    window_start_ = now;
    window_messages_ = 0;
  }
  if (++window_messages_ <= limit) return true;
  c_.rate_limited->inc();
  if (window_messages_ == limit + 1) {
    const int64_t retry = (window_start_ + 60'000'000 - now + 999'999) / 1'000'000;
    enqueue(error_frame(
        "more than " + std::to_string(limit) + " messages a minute; the next are ignored",
        "RATE_LIMITED", {{"retry_after", retry}}));
  } else if (window_messages_ >= std::max(2 * limit, limit + 2)) {  // begin_close runs once
    spdlog::info("websocket: user {} connection {} sent {} messages within a minute: closed",
                 user_id_, conn_, window_messages_);
    begin_close(static_cast<uint16_t>(websocket::close_code::policy_error), "too many messages");
  }
  return false;
}

void Session::enqueue(Frame f) {
  if (dead_ || closing_) return;
  if (!queue_.push(std::move(f))) {
    drop();
    return;
  }
  if (!writing_) write_next();
}

void Session::write_next() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    self->writing_ = false;
                    if (ec) {
                      self->dead_ = true;
                      self->queue_.clear();
                      return;
                    }
                    self->c_.sent->inc();
                    self->queue_.pop();
                    if (self->pending_close_) {
                      const auto r = *self->pending_close_;
                      self->pending_close_.reset();
                      self->closing_ = false;
                      self->begin_close(r.code, std::string(r.reason));
                    } else if (!self->queue_.empty() && !self->dead_) {
                      self->write_next();
                    }
                  });
}

void Session::begin_close(uint16_t code, const std::string& reason) {
  if (dead_ || closing_) return;
  closing_ = true;
  websocket::close_reason why(static_cast<websocket::close_code>(code), reason);
  if (writing_) {
    // One write at a time: the close frame goes after the frame being written; the rest of the
    // queue is dropped.
    Frame in_flight = queue_.front();  // stays queued until its write completes
    queue_.clear();
    queue_.push(std::move(in_flight));
    pending_close_ = why;
    return;
  }
  queue_.clear();
  ws_.async_close(why, [self = shared_from_this()](beast::error_code) {});
}

void Session::drop() {
  // The client does not read fast enough: cut it off instead of buffering more.
  c_.dropped_slow->inc();
  spdlog::warn("websocket: user {} connection {} dropped: send queue full ({} messages, {} bytes)",
               user_id_, conn_, queue_.size(), queue_.bytes());
  dead_ = true;
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
  if (!writing_) queue_.clear();
}

net::awaitable<bool> Session::handshake() {
  auto& options = ctx_.options;
  const auto started = std::chrono::steady_clock::now();
  const std::string remote = request_->remote_addr;
  const std::string request_id = request_->request_id;
  std::optional<Error> refusal;
  std::optional<int64_t> resume_from;
  if (auto last = request_->query_param("last_event_id")) {
    resume_from = parse_id(*last);
    if (!resume_from) {
      refusal.emplace(ErrorCode::kInvalidArgument,
                      std::string("last_event_id must be a non-negative integer"));
    }
  }
  if (!refusal && options.hub->closing()) {
    refusal.emplace(ErrorCode::kUnavailable, std::string("the server is shutting down"), nullptr,
                    5);
  }
  realtime::Admission admitted;
  if (!refusal) {
    Request& req = *request_;
    admitted = co_await net::co_spawn(
        ctx_.pool,
        [&]() -> net::awaitable<realtime::Admission> {
          try {
            co_return options.admit(req);
          } catch (const Error& e) {
            refusal = e;
          } catch (const std::exception& e) {
            spdlog::error("websocket admission failed: {}", e.what());
            refusal.emplace(ErrorCode::kInternal, std::string("internal error"));
          }
          co_return realtime::Admission{};
        },
        net::use_awaitable);
    user_id_ = admitted.user_id;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string route = options.path;
  const std::string method = "GET";
  beast::error_code ec;
  if (refusal) {
    const Response r = Response::error(*refusal, ctx_.clock.now());
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status),
                                            upgrade_->version()};
    res.set(bhttp::field::server, "lucas");
    res.set(bhttp::field::content_type, r.content_type);
    res.set("X-Request-Id", request_id);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(false);
    res.body() = r.body;
    res.prepare_payload();
    upgrade_.reset();
    request_.reset();
    ctx_.record(method, route, r.status, seconds);
    // The query (it holds the token) is never logged.
    if (ctx_.access_log) {
      spdlog::info("{} {} GET {} {} (websocket refused: {})", request_id, remote, route, r.status,
                   error_code_name(refusal->code()));
    }
    auto& stream = beast::get_lowest_layer(ws_);
    stream.expires_after(std::chrono::seconds(10));
    co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    co_return false;
  }

  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(std::max(2, options.heartbeat_s));
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(bhttp::field::server, "lucas"); }));
  ws_.read_message_max(options.max_frame_bytes);
  co_await ws_.async_accept(*upgrade_, net::redirect_error(net::use_awaitable, ec));
  upgrade_.reset();
  request_.reset();
  if (ec) co_return false;
  ctx_.record(method, route, 101, seconds);
  if (ctx_.access_log) {
    spdlog::info("{} {} GET {} 101 user {} {:.2f}ms", request_id, remote, route, user_id_,
                 seconds * 1000);
  }
  c_.opened->inc();
  // The welcome goes out from inside attach(): before anything the hub delivers, and only once
  // the connection is registered (a client may push as soon as it is welcomed).
  conn_ = options.hub->attach(admitted, shared_from_this(), resume_from.has_value(),
                              realtime::system_frame("welcome",
                                                     {{"user_id", user_id_},
                                                      {"heartbeat_s", options.heartbeat_s},
                                                      {"resuming", resume_from.has_value()}},
                                                     ctx_.clock.now()));
  ctx_.track(conn_);
  if (resume_from) {
    std::vector<realtime::Notification> missed;
    bool complete = true;
    const int64_t user = user_id_;
    const int64_t after = *resume_from;
    const int limit = options.replay_limit;
    try {
      missed = co_await net::co_spawn(
          ctx_.pool,
          [&]() -> net::awaitable<std::vector<realtime::Notification>> {
            co_return options.missed(user, after, limit + 1);
          },
          net::use_awaitable);
    } catch (const std::exception& e) {
      spdlog::error("websocket resume for user {} failed: {}", user, e.what());
      complete = false;
    }
    if (static_cast<int>(missed.size()) > limit) {
      missed.resize(static_cast<size_t>(limit));
      complete = false;
    }
    options.hub->finish_resume(conn_, missed, complete);
  }
  co_return true;
}

void Session::handle(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("op") || !j["op"].is_string()) {
    c_.bad_frames->inc();
    enqueue(error_frame("expected a JSON object with an \"op\": subscribe, unsubscribe or ping"));
    return;
  }
  const std::string op = j["op"].get<std::string>();
  const auto now = ctx_.clock.now();
  if (op == "ping") {
    enqueue(realtime::system_frame("pong", nlohmann::json::object(), now));
    return;
  }
  if (op == "subscribe" || op == "unsubscribe") {
    if (!j.contains("topic") || !j["topic"].is_string()) {
      c_.bad_frames->inc();
      enqueue(error_frame(op + " needs a \"topic\" string"));
      return;
    }
    const std::string topic = j["topic"].get<std::string>();
    std::string why;
    bool forbidden = false;
    if (op == "subscribe" && !ctx_.options.hub->subscribe(conn_, topic, &why, &forbidden)) {
      c_.bad_frames->inc();
      enqueue(error_frame(why, forbidden ? "FORBIDDEN" : "INVALID_ARGUMENT"));
      return;
    }
    if (op == "unsubscribe") ctx_.options.hub->unsubscribe(conn_, topic);
    enqueue(realtime::system_frame(op + "d", {{"topic", topic}}, now));
    return;
  }
  c_.bad_frames->inc();
  enqueue(error_frame("unknown op \"" + op.substr(0, 40) + "\": subscribe, unsubscribe or ping"));
}

net::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  const bool upgraded = co_await self->handshake();
  if (upgraded) co_await self->read_loop();
  co_return;
}

net::awaitable<void> Session::read_loop() {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    co_await ws_.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
    if (!admit_message()) {
      // ignored: over the budget (the first one was told why)
    } else if (!ws_.got_text()) {
      c_.bad_frames->inc();
      enqueue(error_frame("only text frames with JSON are accepted"));
    } else {
      handle(beast::buffers_to_string(buffer.data()));
    }
    buffer.consume(buffer.size());
  }
  if (ec == websocket::error::message_too_big) {
    c_.bad_frames->inc();
    spdlog::info("websocket: user {} sent a message over {} bytes: closed", user_id_,
                 ctx_.options.max_frame_bytes);
  }
  dead_ = true;
  ctx_.untrack(conn_);
  ctx_.options.hub->detach(conn_);
  c_.closed->inc();
  if (!writing_) queue_.clear();
}

}  // namespace

void start_websocket(WsContext& ctx, beast::tcp_stream stream,
                     bhttp::request<bhttp::string_body> upgrade, Request request) {
  auto executor = stream.get_executor();
  auto session =
      std::make_shared<Session>(ctx, std::move(stream), std::move(upgrade), std::move(request));
  net::co_spawn(executor, Session::run(std::move(session)), net::detached);
}

}  // namespace lucas::http::detail
