#include "infra/realtime/hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <random>

namespace lucas::realtime {

bool SendQueue::push(Frame f) {
  if (q_.size() + 1 > max_messages_ || bytes_ + f->size() > max_bytes_) return false;
  bytes_ += f->size();
  q_.push_back(std::move(f));
  return true;
}

void SendQueue::pop() {
  bytes_ -= q_.front()->size();
  q_.pop_front();
}

namespace {

// A suffix that tells this process's connection ids from those of an earlier run of the same node.
std::string random_suffix() {
  std::random_device rd;
  const uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) out[static_cast<size_t>(i)] = kHex[(v >> (4 * i)) & 0xf];
  return out;
}

std::string replaced_reason(int max_per_user) {
  return "replaced: at most " + std::to_string(max_per_user) +
         " connections per user, the oldest is closed";
}

}  // namespace

// Registry callbacks may arrive after the hub is gone; they reach it only through this.
struct Hub::Life {
  std::mutex mu;
  Hub* hub = nullptr;
};

Hub::Hub(const Clock& clock, telemetry::Registry* metrics, HubOptions options)
    : clock_(clock),
      options_(options),
      instance_(options_.node_id + "/" + random_suffix()),
      life_(std::make_shared<Life>()) {
  life_->hub = this;
  static telemetry::Registry unused;  // counters nobody renders when no registry is given
  telemetry::Registry& m = metrics != nullptr ? *metrics : unused;
  replaced_ = &m.counter("lucas_ws_replaced_total",
                         "WebSocket connections closed because the user opened a newer one");
  delivered_ = &m.counter("lucas_ws_deliveries_total",
                          "Notifications and topic messages handed to WebSocket connections");
  bad_bus_messages_ =
      &m.counter("lucas_ws_bad_bus_messages_total", "Unreadable ws.user / ws.topic bus messages");
  if (metrics != nullptr) {
    metrics->gauge("lucas_ws_connections", "Open WebSocket connections on this node",
                   [this] { return static_cast<double>(connections()); });
  }
}

Hub::~Hub() {
  {
    std::lock_guard lock(life_->mu);
    life_->hub = nullptr;
  }
  unlisten();
}

std::shared_ptr<Peer> Hub::remove_locked(std::map<int64_t, Conn>::iterator it) {
  for (const auto& t : it->second.topics) {
    auto topic = by_topic_.find(t);
    if (topic == by_topic_.end()) continue;
    topic->second.erase(it->first);
    if (topic->second.empty()) by_topic_.erase(topic);
  }
  auto user = by_user_.find(it->second.user_id);
  if (user != by_user_.end()) {
    std::erase(user->second, it->first);
    if (user->second.empty()) by_user_.erase(user);
  }
  auto peer = std::move(it->second.peer);
  conns_.erase(it);
  return peer;
}

int64_t Hub::attach(int64_t user_id, std::shared_ptr<Peer> peer, bool resuming, Frame greeting) {
  return attach(Admission(user_id), std::move(peer), resuming, std::move(greeting));
}

int64_t Hub::attach(const Admission& who, std::shared_ptr<Peer> peer, bool resuming,
                    Frame greeting) {
  const int64_t user_id = who.user_id;
  std::vector<std::shared_ptr<Peer>> evicted;
  std::vector<int64_t> evicted_ids;
  ConnectionRegistry* registry = nullptr;
  int64_t id = 0;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    if (who.closures_seen) {
      // Closed for its user or client while it was being admitted: it never joins.
      for (auto it = recent_closures_.rbegin(); it != recent_closures_.rend(); ++it) {
        if (it->generation <= *who.closures_seen) break;
        if (it->matches(user_id, who.client_id)) {
          peer->close(it->code, it->reason);
          return id;
        }
      }
    }
    registry = registry_;
    Conn c;
    c.id = id;
    c.user_id = user_id;
    c.client_id = who.client_id;
    c.peer = std::move(peer);
    c.resuming = resuming;
    if (greeting) c.peer->send(std::move(greeting));
    conns_.emplace(id, std::move(c));
    auto& mine = by_user_[user_id];
    mine.push_back(id);
    const size_t over = mine.size() > static_cast<size_t>(options_.max_per_user)
                            ? mine.size() - static_cast<size_t>(options_.max_per_user)
                            : 0;
    evicted_ids.assign(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(over));
    for (int64_t oldest : evicted_ids) evicted.push_back(remove_locked(conns_.find(oldest)));
  }
  for (auto& p : evicted) {
    replaced_->inc();
    p->close(kCloseReplaced, replaced_reason(options_.max_per_user));
  }
  if (registry != nullptr) {
    // In this order on one pipelined connection: what this node closed is forgotten before the
    // newcomer is counted, so no other node's connection is closed for it.
    for (int64_t old : evicted_ids) registry->closed(user_id, registry_name(old));
    registry->opened(user_id, registry_name(id), options_.max_per_user,
                     [life = life_](std::vector<std::string> names) {
                       std::lock_guard lock(life->mu);
                       if (life->hub != nullptr) life->hub->evicted_by_registry(names);
                     });
  }
  return id;
}

void Hub::detach(int64_t connection) {
  ConnectionRegistry* registry = nullptr;
  int64_t user_id = 0;
  {
    std::lock_guard lock(mu_);
    auto it = conns_.find(connection);
    if (it == conns_.end()) return;  // already evicted
    registry = registry_;
    user_id = it->second.user_id;
    remove_locked(it);
  }
  if (registry != nullptr) registry->closed(user_id, registry_name(connection));
}

void Hub::use_registry(ConnectionRegistry& registry) {
  std::lock_guard lock(mu_);
  registry_ = &registry;
}

std::string Hub::registry_name(int64_t connection) const {
  return instance_ + "/" + std::to_string(connection);
}

bool Hub::evict(int64_t connection) {
  std::shared_ptr<Peer> peer;
  {
    std::lock_guard lock(mu_);
    auto it = conns_.find(connection);
    if (it == conns_.end()) return false;
    peer = remove_locked(it);
  }
  replaced_->inc();
  peer->close(kCloseReplaced, replaced_reason(options_.max_per_user));
  return true;
}

size_t Hub::close_user(int64_t user_id, uint16_t code, const std::string& reason) {
  if (user_id == 0) return 0;
  return close_matching(Closure{0, user_id, "", code, reason});
}

size_t Hub::close_client(const std::string& client_id, uint16_t code, const std::string& reason) {
  if (client_id.empty()) return 0;
  return close_matching(Closure{0, 0, client_id, code, reason});
}

uint64_t Hub::closures() const {
  std::lock_guard lock(mu_);
  return closures_;
}

size_t Hub::close_matching(Closure closure) {
  std::vector<std::shared_ptr<Peer>> peers;
  std::vector<std::pair<int64_t, std::string>> names;  // (user, registry name)
  ConnectionRegistry* registry = nullptr;
  {
    std::lock_guard lock(mu_);
    registry = registry_;
    closure.generation = ++closures_;
    for (auto it = conns_.begin(); it != conns_.end();) {
      const auto next = std::next(it);
      if (closure.matches(it->second.user_id, it->second.client_id)) {
        names.emplace_back(it->second.user_id, registry_name(it->first));
        peers.push_back(remove_locked(it));
      }
      it = next;
    }
    recent_closures_.push_back(closure);
    if (recent_closures_.size() > kRememberedClosures) recent_closures_.pop_front();
  }
  for (auto& p : peers) p->close(closure.code, closure.reason);
  if (registry != nullptr) {
    for (const auto& [user, name] : names) registry->closed(user, name);
  }
  return peers.size();
}

namespace {

// The connection id in `name` when this instance named it.
std::optional<int64_t> own_connection(const std::string& instance, const std::string& name) {
  if (name.size() <= instance.size() + 1 || name.compare(0, instance.size(), instance) != 0 ||
      name[instance.size()] != '/') {
    return std::nullopt;
  }
  int64_t id = 0;
  const char* first = name.data() + instance.size() + 1;
  const char* last = name.data() + name.size();
  const auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || end != last) return std::nullopt;
  return id;
}

}  // namespace

void Hub::evicted_by_registry(const std::vector<std::string>& names) {
  events::Bus* bus = nullptr;
  {
    std::lock_guard lock(mu_);
    bus = bus_;
  }
  for (const auto& name : names) {
    if (auto mine = own_connection(instance_, name)) {
      evict(*mine);
    } else if (bus != nullptr) {
      bus->publish(std::string(kEvictChannel), nlohmann::json{{"connection", name}}.dump());
    }
  }
}

void Hub::finish_resume(int64_t connection, const std::vector<Notification>& missed,
                        bool complete) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(connection);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  for (const auto& n : missed) {
    c.peer->send(notification_frame(n));
    c.replayed_ids.push_back(n.id);
  }
  std::sort(c.replayed_ids.begin(), c.replayed_ids.end());
  int64_t held_sent = 0;
  for (const auto& n : c.held) {
    if (std::binary_search(c.replayed_ids.begin(), c.replayed_ids.end(), n.id)) continue;
    c.peer->send(notification_frame(n));
    ++held_sent;
  }
  c.held.clear();
  c.held.shrink_to_fit();
  c.resuming = false;
  c.peer->send(system_frame(
      "resumed",
      {{"replayed", static_cast<int64_t>(missed.size()) + held_sent}, {"complete", complete}},
      clock_.now()));
}

bool Hub::subscribe(int64_t connection, const std::string& topic, std::string* why,
                    bool* forbidden) {
  auto refuse = [why](const char* reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (!valid_topic(topic)) {
    return refuse("a topic is 1-100 characters of a-z, 0-9, _ and - in dot-separated parts");
  }
  if (topic_guard_) {
    int64_t user_id = 0;
    {
      std::lock_guard lock(mu_);
      auto it = conns_.find(connection);
      if (it == conns_.end()) return refuse("the connection is closed");
      user_id = it->second.user_id;
    }
    if (auto refused = topic_guard_(user_id, topic)) {
      if (why != nullptr) *why = *refused;
      if (forbidden != nullptr) *forbidden = true;
      return false;
    }
  }
  std::lock_guard lock(mu_);
  auto it = conns_.find(connection);
  if (it == conns_.end()) return refuse("the connection is closed");
  if (it->second.topics.count(topic) == 0 &&
      it->second.topics.size() >= options_.max_topics_per_connection) {
    return refuse("too many subscriptions on this connection");
  }
  it->second.topics.insert(topic);
  by_topic_[topic].insert(connection);
  return true;
}

void Hub::set_topic_guard(TopicGuard guard) {
  topic_guard_ = std::move(guard);
}

size_t Hub::subscribers(const std::string& topic) const {
  std::lock_guard lock(mu_);
  auto t = by_topic_.find(topic);
  return t == by_topic_.end() ? 0 : t->second.size();
}

bool Hub::unsubscribe(int64_t connection, const std::string& topic) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(connection);
  if (it == conns_.end() || it->second.topics.erase(topic) == 0) return false;
  auto t = by_topic_.find(topic);
  if (t != by_topic_.end()) {
    t->second.erase(connection);
    if (t->second.empty()) by_topic_.erase(t);
  }
  return true;
}

size_t Hub::deliver_to_user(const Notification& n) {
  std::lock_guard lock(mu_);
  auto user = by_user_.find(n.user_id);
  if (user == by_user_.end()) return 0;
  Frame frame;  // encoded once, shared by the user's connections
  size_t count = 0;
  for (int64_t id : user->second) {
    Conn& c = conns_.at(id);
    if (c.resuming) {
      c.held.push_back(n);
      continue;
    }
    if (std::binary_search(c.replayed_ids.begin(), c.replayed_ids.end(), n.id)) continue;
    if (!frame) frame = notification_frame(n);
    c.peer->send(frame);
    ++count;
  }
  delivered_->inc(static_cast<int64_t>(count));
  return count;
}

size_t Hub::deliver_to_topic(const std::string& topic, const std::string& type,
                             const nlohmann::json& data, Micros time) {
  std::lock_guard lock(mu_);
  auto t = by_topic_.find(topic);
  if (t == by_topic_.end()) return 0;
  const Frame frame = topic_frame(topic, type, data, time);
  for (int64_t id : t->second) conns_.at(id).peer->send(frame);
  delivered_->inc(static_cast<int64_t>(t->second.size()));
  return t->second.size();
}

void Hub::reply(int64_t connection, Frame frame) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(connection);
  if (it != conns_.end()) it->second.peer->send(std::move(frame));
}

void Hub::on_bus_message(const std::string& channel, const std::string& message) {
  const auto j = nlohmann::json::parse(message, nullptr, false);
  const auto when = [&] {
    if (j.contains("time") && j["time"].is_string()) {
      if (auto t = parse_rfc3339(j["time"].get<std::string>())) return *t;
    }
    return clock_.now();
  };
  try {
    if (j.is_object() && channel == kUserChannel) {
      Notification n;
      n.user_id = j.at("user_id").get<int64_t>();
      n.id = j.at("id").get<int64_t>();
      n.type = j.at("type").get<std::string>();
      n.data = j.value("data", nlohmann::json::object());
      n.time = when();
      deliver_to_user(n);
      return;
    }
    if (j.is_object() && channel == kEvictChannel) {
      if (auto mine = own_connection(instance_, j.at("connection").get<std::string>())) {
        evict(*mine);
      }
      return;
    }
    if (j.is_object() && channel == kTopicChannel) {
      deliver_to_topic(j.at("topic").get<std::string>(), j.at("type").get<std::string>(),
                       j.value("data", nlohmann::json::object()), when());
      return;
    }
  } catch (const nlohmann::json::exception&) {
  }
  bad_bus_messages_->inc();
  spdlog::warn("unreadable {} bus message ({} bytes)", channel, message.size());
}

void Hub::listen(events::Bus& bus) {
  std::lock_guard lock(mu_);
  if (bus_ != nullptr) return;
  bus_ = &bus;
  for (auto ch : {kUserChannel, kTopicChannel, kEvictChannel}) {
    bus_subs_.push_back(bus.subscribe(
        std::string(ch),
        [this](const std::string& c, const std::string& m) { on_bus_message(c, m); }));
  }
}

void Hub::unlisten() {
  events::Bus* bus = nullptr;
  std::vector<int64_t> subs;
  {
    std::lock_guard lock(mu_);
    bus = bus_;
    subs.swap(bus_subs_);
    bus_ = nullptr;
  }
  if (bus == nullptr) return;
  for (int64_t s : subs) bus->unsubscribe(s);
}

void Hub::close_all(const std::string& reason) {
  std::vector<std::shared_ptr<Peer>> peers;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    for (auto& [id, c] : conns_) peers.push_back(c.peer);
  }
  for (auto& p : peers) p->close(kCloseGoingAway, reason);
}

bool Hub::closing() const {
  std::lock_guard lock(mu_);
  return closing_;
}

size_t Hub::connections() const {
  std::lock_guard lock(mu_);
  return conns_.size();
}

size_t Hub::connections_of(int64_t user_id) const {
  std::lock_guard lock(mu_);
  auto it = by_user_.find(user_id);
  return it == by_user_.end() ? 0 : it->second.size();
}

}  // namespace lucas::realtime
