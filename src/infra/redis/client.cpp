// The only translation unit that sees hiredis and Asio (see redis.h for the contract).
//
// Every hiredis context lives on the I/O thread. hiredis asks for read/write interest through
// its ev hooks; each hook arms a one-shot async_wait on a stream_descriptor wrapping the
// context's fd, and the completion calls redisAsyncHandleRead/Write and re-arms while hiredis
// still wants it. When hiredis frees a context (error, disconnect, or our redisAsyncFree) its
// cleanup hook releases the descriptor (hiredis closes the fd) and schedules the reconnect.
// Handlers carry the connection attempt they were armed for and do nothing for an older one.
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"

namespace lucas::redis {
namespace net = boost::asio;
using std::chrono::milliseconds;

// ---------------------------------------------------------------- URL

namespace {

int parse_port_or_db(const std::string& s, int lo, int hi, const char* what) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) {
    throw std::invalid_argument(std::string("bad redis ") + what + " '" + s + "'");
  }
  return v;
}

}  // namespace

Url parse_url(const std::string& text) {
  const std::string scheme = "redis://";
  if (text.rfind(scheme, 0) != 0) {
    throw std::invalid_argument("a redis URL starts with redis://");
  }
  std::string rest = text.substr(scheme.size());
  Url u;
  const size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    const std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = auth.find(':');
    if (colon == std::string::npos) {
      u.password = auth;
    } else {
      u.user = auth.substr(0, colon);
      u.password = auth.substr(colon + 1);
    }
  }
  const size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty()) u.db = parse_port_or_db(db, 0, 100000, "database number");
  }
  std::string port;
  if (!hostport.empty() && hostport.front() == '[') {  // [::1]:6379
    const size_t close = hostport.find(']');
    if (close == std::string::npos) throw std::invalid_argument("bad redis host");
    u.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') throw std::invalid_argument("bad redis host");
      port = hostport.substr(close + 2);
    }
  } else {
    const size_t colon = hostport.rfind(':');
    u.host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (u.host.empty()) throw std::invalid_argument("a redis URL needs a host");
  if (!port.empty() || hostport.back() == ':') u.port = parse_port_or_db(port, 1, 65535, "port");
  return u;
}

std::string Url::describe() const {
  std::string auth;
  if (!password.empty()) auth = (user.empty() ? "" : user) + ":***@";
  const bool v6 = host.find(':') != std::string::npos;
  return "redis://" + auth + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
         std::to_string(db);
}

// ---------------------------------------------------------------- Script

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(source_.data(), source_.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  static const char* kHex = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    sha1_ += kHex[digest[i] >> 4];
    sha1_ += kHex[digest[i] & 0xf];
  }
}

// ---------------------------------------------------------------- connections

namespace {

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

std::string reply_str(const redisReply* r) {
  return r != nullptr && r->str != nullptr ? std::string(r->str, r->len) : std::string();
}

}  // namespace

// One hiredis async context and its reconnection state machine. Touched on the I/O thread only.
struct Conn : std::enable_shared_from_this<Conn> {
  enum class State { kIdle, kConnecting, kHandshake, kUp, kWaiting };

  Conn(Client::Impl& i, bool pubsub, std::string label);

  void start();
  void open(const std::string& ip);
  void handshake();
  void handshake_step(size_t step);
  void mark_up();
  void went_down();
  void abort(const std::string& why);
  void close();
  void arm_read();
  void arm_write();
  void on_cleanup();
  void sync_subscriptions();
  // Sends an internal command whose reply goes to `fn` (nullptr reply: the connection went away).
  bool send(const std::vector<std::string>& argv, std::function<void(redisReply*)> fn);

  Client::Impl& impl;
  const bool is_sub;
  const std::string label;
  redisAsyncContext* ac = nullptr;
  std::unique_ptr<net::posix::stream_descriptor> sd;
  uint64_t attempt = 0;
  bool want_read = false, want_write = false, read_armed = false, write_armed = false;
  State state = State::kIdle;
  std::string last_error;
  int failures = 0;
  milliseconds backoff{0};
  bool ever_up = false;
  bool reported_down = false;
  net::steady_timer retry_timer;
  net::steady_timer connect_timer;
  net::ip::tcp::resolver resolver;
  // Pub/sub: channels sent in SUBSCRIBE on this attempt, and their confirmations.
  std::set<std::string> sent;
  size_t confirmed = 0;
  bool can_subscribe = false;
};

struct Pending {
  explicit Pending(net::io_context& ioc) : timer(ioc) {}
  Client::Callback cb;
  net::steady_timer timer;
  bool done = false;
};

struct Client::Impl {
  Impl(Url u, Options o, telemetry::Registry* m);
  void submit(std::vector<std::string> argv, Callback cb);
  void finish(Pending& p, Outcome o);
  void set_up(bool v);
  void deliver(const std::string& channel, const std::string& message);
  void subscribed();
  void ensure_sub();
  void shutdown();

  Url url;
  Options opt;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::mt19937 rng{std::random_device{}()};
  std::shared_ptr<Conn> cmd;
  std::shared_ptr<Conn> sub;  // created on the first subscribe
  std::map<std::string, std::vector<MessageHandler>> channels;
  std::vector<std::function<void()>> subscribed_handlers;
  bool closing = false;

  std::atomic<bool> up{false};
  std::atomic<int64_t> outages{0};
  std::atomic<int> open_contexts{0};
  mutable std::mutex mu;
  mutable std::condition_variable cv;

  telemetry::Counter* ok_count = nullptr;
  telemetry::Counter* error_count = nullptr;
  telemetry::Counter* timeout_count = nullptr;
  telemetry::Counter* unavailable_count = nullptr;
  telemetry::Counter* opened_count = nullptr;
  telemetry::Counter* closed_count = nullptr;
  std::shared_ptr<std::atomic<int>> up_gauge = std::make_shared<std::atomic<int>>(0);

  std::thread thread;  // last: started once everything above exists
};

namespace {

void count(telemetry::Counter* c) {
  if (c != nullptr) c->inc();
}

void on_reply(redisAsyncContext*, void* r, void* privdata);

void hook_add_read(void* p) {
  auto* c = static_cast<Conn*>(p);
  c->want_read = true;
  c->arm_read();
}
void hook_del_read(void* p) {
  static_cast<Conn*>(p)->want_read = false;
}
void hook_add_write(void* p) {
  auto* c = static_cast<Conn*>(p);
  c->want_write = true;
  c->arm_write();
}
void hook_del_write(void* p) {
  static_cast<Conn*>(p)->want_write = false;
}
void hook_cleanup(void* p) {
  static_cast<Conn*>(p)->on_cleanup();
}

void on_connect(const redisAsyncContext* ac, int status) {
  auto* c = static_cast<Conn*>(ac->data);
  if (status != REDIS_OK) {
    c->last_error = ac->errstr != nullptr ? ac->errstr : "connect failed";
    return;  // hiredis frees the context next; the cleanup hook schedules the retry
  }
  c->handshake();
}

void on_disconnect(const redisAsyncContext* ac, int status) {
  auto* c = static_cast<Conn*>(ac->data);
  if (status != REDIS_OK && ac->errstr != nullptr && ac->errstr[0] != '\0') {
    c->last_error = ac->errstr;
  } else if (c->last_error.empty()) {
    c->last_error = "connection closed";
  }
}

// Replies to internal commands: privdata owns the std::function.
void on_internal(redisAsyncContext*, void* r, void* privdata) {
  std::unique_ptr<std::function<void(redisReply*)>> fn(
      static_cast<std::function<void(redisReply*)>*>(privdata));
  (*fn)(static_cast<redisReply*>(r));
}

// Every reply on a subscribed connection: confirmations and messages. privdata is the Conn.
void on_sub(redisAsyncContext*, void* r, void* privdata) {
  auto* c = static_cast<Conn*>(privdata);
  auto* rep = static_cast<redisReply*>(r);
  if (rep == nullptr || rep->type != REDIS_REPLY_ARRAY || rep->elements < 3) return;
  const std::string kind = reply_str(rep->element[0]);
  if (kind == "message") {
    c->impl.deliver(reply_str(rep->element[1]), reply_str(rep->element[2]));
  } else if (kind == "subscribe") {
    if (++c->confirmed == c->sent.size()) c->impl.subscribed();
  }
}

}  // namespace

Conn::Conn(Client::Impl& i, bool pubsub, std::string l)
    : impl(i),
      is_sub(pubsub),
      label(std::move(l)),
      retry_timer(i.ioc),
      connect_timer(i.ioc),
      resolver(i.ioc) {}

void Conn::start() {
  if (impl.closing) return;
  ++attempt;
  state = State::kConnecting;
  sent.clear();
  confirmed = 0;
  can_subscribe = false;
  auto self = shared_from_this();
  const uint64_t a = attempt;
  connect_timer.expires_after(impl.opt.connect_timeout);
  connect_timer.async_wait([self, a](const boost::system::error_code& ec) {
    if (ec || a != self->attempt) return;
    if (self->state == State::kConnecting || self->state == State::kHandshake) {
      self->abort("connect timed out after " +
                  std::to_string(self->impl.opt.connect_timeout.count()) + " ms");
    }
  });
  resolver.async_resolve(impl.url.host, std::to_string(impl.url.port),
                         [self, a](const boost::system::error_code& ec,
                                   const net::ip::tcp::resolver::results_type& results) {
                           if (a != self->attempt || self->state != State::kConnecting) return;
                           if (ec || results.empty()) {
                             self->last_error =
                                 "cannot resolve " + self->impl.url.host + ": " + ec.message();
                             self->went_down();
                             return;
                           }
                           self->open(results.begin()->endpoint().address().to_string());
                         });
}

void Conn::open(const std::string& ip) {
  redisAsyncContext* c = redisAsyncConnect(ip.c_str(), impl.url.port);
  if (c == nullptr || c->err != 0) {
    last_error = c != nullptr ? c->errstr : "out of memory";
    if (c != nullptr) redisAsyncFree(c);
    went_down();
    return;
  }
  ac = c;
  ++impl.open_contexts;
  ac->data = this;
  sd = std::make_unique<net::posix::stream_descriptor>(impl.ioc, ac->c.fd);
  want_read = want_write = read_armed = write_armed = false;
  ac->ev.data = this;
  ac->ev.addRead = hook_add_read;
  ac->ev.delRead = hook_del_read;
  ac->ev.addWrite = hook_add_write;
  ac->ev.delWrite = hook_del_write;
  ac->ev.cleanup = hook_cleanup;
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  redisAsyncSetConnectCallback(ac, on_connect);  // arms the first write event
}

void Conn::arm_read() {
  if (read_armed || !sd) return;
  read_armed = true;
  auto self = shared_from_this();
  const uint64_t a = attempt;
  sd->async_wait(net::posix::stream_descriptor::wait_read,
                 [self, a](const boost::system::error_code& ec) {
                   if (a != self->attempt) return;
                   self->read_armed = false;
                   if (ec || self->ac == nullptr || !self->want_read) return;
                   redisAsyncHandleRead(self->ac);  // may free the context
                   if (a == self->attempt && self->ac != nullptr && self->want_read) {
                     self->arm_read();
                   }
                 });
}

void Conn::arm_write() {
  if (write_armed || !sd) return;
  write_armed = true;
  auto self = shared_from_this();
  const uint64_t a = attempt;
  sd->async_wait(net::posix::stream_descriptor::wait_write,
                 [self, a](const boost::system::error_code& ec) {
                   if (a != self->attempt) return;
                   self->write_armed = false;
                   if (ec || self->ac == nullptr || !self->want_write) return;
                   redisAsyncHandleWrite(self->ac);  // may free the context
                   if (a == self->attempt && self->ac != nullptr && self->want_write) {
                     self->arm_write();
                   }
                 });
}

void Conn::on_cleanup() {
  // hiredis is freeing the context (and will close the fd): stop watching it.
  if (ac != nullptr && ac->err != 0 && ac->errstr != nullptr && ac->errstr[0] != '\0' &&
      last_error.empty()) {
    last_error = ac->errstr;
  }
  ac = nullptr;
  {
    std::lock_guard lock(impl.mu);
    --impl.open_contexts;
  }
  impl.cv.notify_all();
  // The breaker opens now, before any failed command's caller wakes up.
  if (!is_sub && state == State::kUp) impl.set_up(false);
  if (sd) {
    sd->release();
    // Destroy the descriptor object outside hiredis's call stack.
    net::post(impl.ioc, [old = std::move(sd)] {});
  }
  want_read = want_write = read_armed = write_armed = false;
  auto self = shared_from_this();
  const uint64_t a = attempt;
  net::post(impl.ioc, [self, a] {
    if (a == self->attempt) self->went_down();
  });
}

bool Conn::send(const std::vector<std::string>& argv, std::function<void(redisReply*)> fn) {
  if (ac == nullptr) return false;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& s : argv) {
    args.push_back(s.data());
    lens.push_back(s.size());
  }
  auto* holder = new std::function<void(redisReply*)>(std::move(fn));
  if (redisAsyncCommandArgv(ac, on_internal, holder, static_cast<int>(args.size()), args.data(),
                            lens.data()) != REDIS_OK) {
    delete holder;
    return false;
  }
  return true;
}

void Conn::handshake() {
  state = State::kHandshake;
  handshake_step(0);
}

// AUTH (when configured), SELECT (commands only), PING; then SUBSCRIBE on the pub/sub connection.
void Conn::handshake_step(size_t step) {
  std::vector<std::vector<std::string>> steps;
  if (!impl.url.password.empty()) {
    if (impl.url.user.empty()) {
      steps.push_back({"AUTH", impl.url.password});
    } else {
      steps.push_back({"AUTH", impl.url.user, impl.url.password});
    }
  }
  if (!is_sub && impl.url.db != 0) steps.push_back({"SELECT", std::to_string(impl.url.db)});
  steps.push_back({"PING"});
  if (step == steps.size()) {
    mark_up();
    return;
  }
  const bool is_auth = steps[step][0] == "AUTH";
  auto self = shared_from_this();
  const uint64_t a = attempt;
  const bool sent_ok = send(steps[step], [self, a, step, is_auth](redisReply* r) {
    if (a != self->attempt || r == nullptr) return;
    if (r->type == REDIS_REPLY_ERROR) {
      // Never echo AUTH's arguments; Redis's own message does not contain them.
      self->abort(std::string(is_auth ? "authentication failed: " : "handshake failed: ") +
                  reply_str(r));
      return;
    }
    self->handshake_step(step + 1);
  });
  if (!sent_ok) abort("cannot send the handshake");
}

void Conn::mark_up() {
  state = State::kUp;
  connect_timer.cancel();
  failures = 0;
  backoff = milliseconds(0);
  const bool was_reported = reported_down;
  reported_down = false;
  if (!ever_up) {
    spdlog::info("{} connected ({})", label, impl.url.describe());
  } else if (was_reported) {
    spdlog::info("{} is back ({}): circuit closed, using it again", label, impl.url.describe());
  }
  if (was_reported && !is_sub) count(impl.closed_count);
  ever_up = true;
  if (is_sub) {
    can_subscribe = true;
    sync_subscriptions();
  } else {
    impl.set_up(true);
  }
}

void Conn::sync_subscriptions() {
  if (!can_subscribe || ac == nullptr) return;
  std::vector<std::string> argv{"SUBSCRIBE"};
  for (const auto& [ch, handlers] : impl.channels) {
    if (sent.insert(ch).second) argv.push_back(ch);
  }
  if (argv.size() == 1) return;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& s : argv) {
    args.push_back(s.data());
    lens.push_back(s.size());
  }
  if (redisAsyncCommandArgv(ac, on_sub, this, static_cast<int>(args.size()), args.data(),
                            lens.data()) != REDIS_OK) {
    abort("cannot subscribe");
  }
}

void Conn::went_down() {
  connect_timer.cancel();
  const bool was_up = state == State::kUp;
  if (!is_sub && was_up) impl.set_up(false);
  if (impl.closing) {
    state = State::kIdle;
    return;
  }
  state = State::kWaiting;
  backoff = failures == 0 ? impl.opt.retry_min : std::min(backoff * 2, impl.opt.retry_max);
  ++failures;
  const std::string why = last_error.empty() ? "unknown error" : last_error;
  last_error.clear();
  if (!reported_down) {
    reported_down = true;
    spdlog::warn("{} unreachable ({}): {}; circuit open, falling back until it answers again",
                 label, impl.url.describe(), why);
    if (!is_sub) {
      count(impl.opened_count);
      ++impl.outages;
    }
  } else {
    spdlog::debug("{} still unreachable: {}", label, why);
  }
  std::uniform_int_distribution<int64_t> jitter(backoff.count() / 2, backoff.count());
  retry_timer.expires_after(milliseconds(jitter(impl.rng)));
  auto self = shared_from_this();
  const uint64_t a = attempt;
  retry_timer.async_wait([self, a](const boost::system::error_code& ec) {
    if (!ec && a == self->attempt) self->start();
  });
}

void Conn::abort(const std::string& why) {
  if (last_error.empty()) last_error = why;
  if (ac != nullptr) {
    redisAsyncFree(ac);  // deferred by hiredis when inside one of its callbacks
  } else if (state == State::kConnecting) {
    resolver.cancel();
    went_down();
  }
}

void Conn::close() {
  retry_timer.cancel();
  connect_timer.cancel();
  resolver.cancel();
  if (ac != nullptr) redisAsyncDisconnect(ac);  // after the replies still in flight
}

// ---------------------------------------------------------------- Impl

Client::Impl::Impl(Url u, Options o, telemetry::Registry* m)
    : url(std::move(u)), opt(std::move(o)), work(net::make_work_guard(ioc)) {
  if (m != nullptr) {
    const std::string help = "Redis commands by result.";
    ok_count = &m->counter("lucas_redis_commands_total", help, {{"result", "ok"}});
    error_count = &m->counter("lucas_redis_commands_total", help, {{"result", "error_reply"}});
    timeout_count = &m->counter("lucas_redis_commands_total", help, {{"result", "timeout"}});
    unavailable_count =
        &m->counter("lucas_redis_commands_total", help, {{"result", "unavailable"}});
    const std::string thelp = "Redis circuit-breaker transitions.";
    opened_count = &m->counter("lucas_redis_breaker_transitions_total", thelp, {{"to", "open"}});
    closed_count = &m->counter("lucas_redis_breaker_transitions_total", thelp, {{"to", "closed"}});
    m->gauge("lucas_redis_up", "1 while Redis answers (the circuit is closed).",
             [g = up_gauge] { return static_cast<double>(g->load()); }, {});
  }
  cmd = std::make_shared<Conn>(*this, false, opt.name);
  net::post(ioc, [c = cmd] { c->start(); });
  thread = std::thread([this] { ioc.run(); });
}

void Client::Impl::set_up(bool v) {
  {
    std::lock_guard lock(mu);
    up = v;
    *up_gauge = v ? 1 : 0;
  }
  cv.notify_all();
}

void Client::Impl::finish(Pending& p, Outcome o) {
  if (p.done) return;
  p.done = true;
  p.timer.cancel();
  try {
    p.cb(std::move(o));
  } catch (const std::exception& e) {
    spdlog::error("{}: a command callback failed: {}", opt.name, e.what());
  }
}

void Client::Impl::submit(std::vector<std::string> argv, Callback cb) {
  auto p = std::make_shared<Pending>(ioc);
  p->cb = std::move(cb);
  if (cmd->state != Conn::State::kUp || cmd->ac == nullptr) {
    count(unavailable_count);
    finish(*p, Outcome{Outcome::Failure::kUnavailable, "circuit open", {}});
    return;
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& s : argv) {
    args.push_back(s.data());
    lens.push_back(s.size());
  }
  auto* holder = new std::shared_ptr<Pending>(p);
  if (redisAsyncCommandArgv(cmd->ac, on_reply, holder, static_cast<int>(args.size()), args.data(),
                            lens.data()) != REDIS_OK) {
    delete holder;
    count(unavailable_count);
    finish(*p, Outcome{Outcome::Failure::kUnavailable, "the connection is closing", {}});
    return;
  }
  p->timer.expires_after(opt.command_timeout);
  p->timer.async_wait([this, p, conn = cmd, a = cmd->attempt](const boost::system::error_code& ec) {
    if (ec || p->done) return;
    count(timeout_count);
    p->done = true;  // its late reply (if any) is dropped
    // A connection that stopped answering is not trusted with the next command.
    if (a == conn->attempt) conn->abort("a command timed out");
    p->done = false;
    finish(*p, Outcome{Outcome::Failure::kTimeout,
                       "no reply within " + std::to_string(opt.command_timeout.count()) + " ms",
                       {}});
  });
}

namespace {
void on_reply(redisAsyncContext* ac, void* r, void* privdata) {
  std::unique_ptr<std::shared_ptr<Pending>> holder(
      static_cast<std::shared_ptr<Pending>*>(privdata));
  Pending& p = **holder;
  auto* conn = static_cast<Conn*>(ac->data);
  if (p.done) return;  // already timed out
  if (r == nullptr) {
    count(conn->impl.unavailable_count);
    conn->impl.finish(p, Outcome{Outcome::Failure::kDisconnected, "connection lost", {}});
    return;
  }
  Reply reply = convert(static_cast<redisReply*>(r));
  count(reply.is_error() ? conn->impl.error_count : conn->impl.ok_count);
  conn->impl.finish(p, Outcome{Outcome::Failure::kNone, "", std::move(reply)});
}
}  // namespace

void Client::Impl::deliver(const std::string& channel, const std::string& message) {
  auto it = channels.find(channel);
  if (it == channels.end()) return;
  for (auto& h : it->second) {
    try {
      h(channel, message);
    } catch (const std::exception& e) {
      spdlog::error("{}: a subscriber of {} failed: {}", opt.name, channel, e.what());
    }
  }
}

void Client::Impl::subscribed() {
  for (auto& h : subscribed_handlers) {
    try {
      h();
    } catch (const std::exception& e) {
      spdlog::error("{}: an on_subscribed handler failed: {}", opt.name, e.what());
    }
  }
}

void Client::Impl::ensure_sub() {
  if (sub || closing) return;
  sub = std::make_shared<Conn>(*this, true, opt.name + " pub/sub");
  sub->start();
}

void Client::Impl::shutdown() {
  if (!thread.joinable()) return;
  net::post(ioc, [this] {
    closing = true;
    cmd->close();
    if (sub) sub->close();
  });
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, opt.command_timeout + milliseconds(100),
                [this] { return open_contexts.load() == 0; });
  }
  work.reset();
  ioc.stop();
  thread.join();
  // The loop is stopped: whatever is still open is freed here (pending callbacks fail).
  closing = true;
  for (auto* c : {cmd.get(), sub.get()}) {
    if (c != nullptr && c->ac != nullptr) redisAsyncFree(c->ac);
  }
}

// ---------------------------------------------------------------- Client

Client::Client(Url url, Options options, telemetry::Registry* metrics)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(options), metrics)) {}

Client::~Client() {
  impl_->shutdown();
}

bool Client::on_io_thread() const {
  return std::this_thread::get_id() == impl_->thread.get_id();
}

void Client::async_command(std::vector<std::string> argv, Callback cb) {
  net::post(impl_->ioc, [impl = impl_.get(), argv = std::move(argv), cb = std::move(cb)]() mutable {
    impl->submit(std::move(argv), std::move(cb));
  });
}

Reply Client::command(std::vector<std::string> argv) {
  if (on_io_thread()) {
    throw std::logic_error("synchronous Redis command on the Redis I/O thread");
  }
  if (!impl_->up.load()) {
    count(impl_->unavailable_count);
    throw Unavailable("circuit open (" + impl_->url.describe() + ")");
  }
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  async_command(std::move(argv), [promise](Outcome o) { promise->set_value(std::move(o)); });
  // The I/O thread's timer answers first; this only guards against a stuck loop.
  if (future.wait_for(impl_->opt.command_timeout + milliseconds(1000)) !=
      std::future_status::ready) {
    throw Unavailable("no answer from the Redis I/O thread");
  }
  Outcome o = future.get();
  if (!o.ok()) throw Unavailable(o.message);
  return std::move(o.reply);
}

Reply Client::eval(const Script& script, const std::vector<std::string>& keys,
                   const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVALSHA", script.sha1(), std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  Reply r = command(argv);
  if (r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0) {
    argv[0] = "EVAL";
    argv[1] = script.source();
    r = command(std::move(argv));
  }
  return r;
}

bool Client::up() const {
  return impl_->up.load();
}

bool Client::wait_up(milliseconds timeout) const {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, timeout, [this] { return impl_->up.load(); });
}

int64_t Client::outages() const {
  return impl_->outages.load();
}

const Url& Client::url() const {
  return impl_->url;
}

const Options& Client::options() const {
  return impl_->opt;
}

void Client::subscribe(const std::string& channel, MessageHandler handler) {
  if (channel.empty()) throw std::invalid_argument("redis channel must not be empty");
  net::post(impl_->ioc, [impl = impl_.get(), channel, handler = std::move(handler)]() mutable {
    impl->channels[channel].push_back(std::move(handler));
    impl->ensure_sub();
    impl->sub->sync_subscriptions();
  });
}

void Client::on_subscribed(std::function<void()> handler) {
  net::post(impl_->ioc, [impl = impl_.get(), handler = std::move(handler)]() mutable {
    impl->subscribed_handlers.push_back(std::move(handler));
  });
}

bool Client::publish(const std::string& channel, const std::string& message) {
  if (!up()) {
    count(impl_->unavailable_count);
    return false;
  }
  async_command({"PUBLISH", channel, message}, [](Outcome) {});
  return true;
}

}  // namespace lucas::redis
