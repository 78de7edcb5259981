// The client: commands pipelined on the command connection with their timeouts, the synchronous
// facade, pub/sub dispatch, scripts, and the I/O thread's start and shutdown (see redis.h for
// the contract; connection.cpp holds the connections themselves).
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <future>

#include "base/blocking.h"
#include "base/ids.h"
#include "infra/redis/connection.h"

namespace lucas::redis {

// ---------------------------------------------------------------- Script

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(source_.data(), source_.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  sha1_ = to_hex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

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

void on_reply(redisAsyncContext* ac, void* r, void* privdata);

}  // namespace

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
  may_block();  // an inline attempt goes to the worker pool before anything is sent
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
