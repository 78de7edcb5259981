#include "infra/realtime/hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>

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

Hub::Hub(const Clock& clock, telemetry::Registry* metrics, HubOptions options)
    : clock_(clock), options_(options) {
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
  unlisten();
}

int64_t Hub::attach(int64_t user_id, std::shared_ptr<Peer> peer, bool resuming, Frame greeting) {
  std::vector<std::shared_ptr<Peer>> evicted;
  int64_t id = 0;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    Conn c;
    c.id = id;
    c.user_id = user_id;
    c.peer = std::move(peer);
    c.resuming = resuming;
    if (greeting) c.peer->send(std::move(greeting));
    conns_.emplace(id, std::move(c));
    auto& mine = by_user_[user_id];
    mine.push_back(id);
    while (static_cast<int>(mine.size()) > options_.max_per_user) {
      const int64_t oldest = mine.front();
      mine.erase(mine.begin());
      auto it = conns_.find(oldest);
      if (it == conns_.end()) continue;
      for (const auto& t : it->second.topics) by_topic_[t].erase(oldest);
      evicted.push_back(std::move(it->second.peer));
      conns_.erase(it);
    }
  }
  for (auto& p : evicted) {
    replaced_->inc();
    p->close(kCloseReplaced, "replaced: at most " + std::to_string(options_.max_per_user) +
                                 " connections per user, the oldest is closed");
  }
  return id;
}

void Hub::detach(int64_t connection) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(connection);
  if (it == conns_.end()) return;  // already evicted
  for (const auto& t : it->second.topics) {
    auto topic = by_topic_.find(t);
    if (topic == by_topic_.end()) continue;
    topic->second.erase(connection);
    if (topic->second.empty()) by_topic_.erase(topic);
  }
  auto user = by_user_.find(it->second.user_id);
  if (user != by_user_.end()) {
    std::erase(user->second, connection);
    if (user->second.empty()) by_user_.erase(user);
  }
  conns_.erase(it);
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

bool Hub::subscribe(int64_t connection, const std::string& topic, std::string* why) {
  auto refuse = [why](const char* reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (!valid_topic(topic)) {
    return refuse("a topic is 1-100 characters of a-z, 0-9, _ and - in dot-separated parts");
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
  for (auto ch : {kUserChannel, kTopicChannel}) {
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
