// One hiredis async context on the I/O thread: connecting, the handshake, the circuit breaker's
// transitions, reconnection with backoff, and pub/sub subscriptions.
//
// Every hiredis context lives on the I/O thread. hiredis asks for read/write interest through
// its ev hooks; each hook arms a one-shot async_wait on a stream_descriptor wrapping the
// context's fd, and the completion calls redisAsyncHandleRead/Write and re-arms while hiredis
// still wants it. When hiredis frees a context (error, disconnect, or our redisAsyncFree) its
// cleanup hook releases the descriptor (hiredis closes the fd) and schedules the reconnect.
// Handlers carry the connection attempt they were armed for and do nothing for an older one.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "infra/redis/connection.h"

namespace lucas::redis {

namespace {

std::string reply_str(const redisReply* r) {
  return r != nullptr && r->str != nullptr ? std::string(r->str, r->len) : std::string();
}

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

}  // namespace lucas::redis
