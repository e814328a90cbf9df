#include "engine.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>

namespace hopscope {
namespace {

// Packets taken from one device per pcap_dispatch, so one busy device cannot starve the others
// (or hold the device-table lock) for long; the loop polls again without sleeping when hit.
constexpr int kDispatchLimit = 4096;

std::string DescribeRevents(short revents) {
  if (revents & POLLNVAL) return "capture socket became invalid";
  if (revents & POLLHUP) return "capture socket hung up";
  return "capture socket reported an error (interface gone?)";
}

}  // namespace

struct Engine::Device {
  Engine* engine = nullptr;
  DeviceInfo info;
  pcap_t* handle = nullptr;
  int fd = -1;
  bool open = true;
  bool removeRequested = false;
  std::string closedReason;
  bool kernelStats = false;
  pcap_stat last{};
  uint64_t captured = 0;
  uint64_t queueDrops = 0;

  void RefreshStats() {
    pcap_stat now{};
    if (handle != nullptr && pcap_stats(handle, &now) == 0) {
      last = now;
      kernelStats = true;
    }
  }
};

Engine::Engine(EngineOptions options, Poster post)
    : options_(std::move(options)), post_(std::move(post)), batch_(options_.batchBytes) {}

Engine::~Engine() { Stop(); }

bool Engine::Start(std::string& error) {
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_ < 0) {
    error = std::string("eventfd: ") + std::strerror(errno);
    return false;
  }
  thread_ = std::thread(&Engine::Run, this);
  return true;
}

void Engine::Wake() {
  uint64_t one = 1;
  if (wake_ >= 0) {
    ssize_t written = write(wake_, &one, sizeof one);
    (void)written;  // EAGAIN means a wakeup is already pending: as good as ours
  }
}

bool Engine::AddDevice(const std::string& name, DeviceInfo& info, OpenError& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      error = {"capture-failed", name + ": the capture has been stopped"};
      return false;
    }
    for (const auto& device : devices_) {
      if (device->open && !device->removeRequested && device->info.name == name) {
        error = {"capture-failed", name + ": already capturing on this device"};
        return false;
      }
    }
  }
  // Opening can take a while (socket, ring mapping, filter compile): done without the lock.
  OpenedDevice opened;
  if (!OpenDevice(name, options_.open, opened, error)) return false;

  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    pcap_close(opened.handle);
    error = {"capture-failed", name + ": the capture has been stopped"};
    return false;
  }
  auto device = std::make_unique<Device>();
  device->engine = this;
  device->handle = opened.handle;
  device->fd = opened.fd;
  device->info.index = static_cast<uint32_t>(devices_.size());
  device->info.name = name;
  device->info.linkType = opened.linkType;
  device->info.nanosecond = opened.nanosecond;
  device->info.warning = opened.warning;
  info = device->info;
  devices_.push_back(std::move(device));
  generation_ += 1;
  Wake();
  return true;
}

bool Engine::RemoveDevice(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& device : devices_) {
    if (device->open && !device->removeRequested && device->info.name == name) {
      device->removeRequested = true;
      generation_ += 1;
      Wake();
      return true;
    }
  }
  return false;
}

std::vector<DeviceStats> Engine::Stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DeviceStats> out;
  out.reserve(devices_.size());
  for (const auto& device : devices_) {
    if (device->open) device->RefreshStats();
    DeviceStats stats;
    stats.info = device->info;
    stats.open = device->open;
    stats.closedReason = device->closedReason;
    stats.kernelStats = device->kernelStats;
    stats.received = device->last.ps_recv;
    stats.kernelDrops = device->last.ps_drop;
    stats.interfaceDrops = device->last.ps_ifdrop;
    stats.captured = device->captured;
    stats.queueDrops = device->queueDrops;
    out.push_back(std::move(stats));
  }
  return out;
}

void Engine::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_) return;
    stopping_ = true;
  }
  Wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  // The thread closes its devices on the way out; these are for a thread that never ran.
  for (const auto& device : devices_) {
    if (device->open) CloseDevice(device.get(), "stopped", false);
  }
  if (wake_ >= 0) close(wake_);
  wake_ = -1;
  stopped_ = true;
}

void Engine::Post(Message* message) {
  if (!post_(message)) delete message;
}

void Engine::Flush() {
  Message* message = batch_.Take();
  if (message == nullptr) return;
  size_t bytes = message->bytes;
  queued_.fetch_add(bytes, std::memory_order_relaxed);
  if (!post_(message)) {
    queued_.fetch_sub(bytes, std::memory_order_relaxed);
    delete message;
  }
}

// Called with the lock held.
void Engine::CloseDevice(Device* device, const std::string& reason, bool notify) {
  device->RefreshStats();
  pcap_close(device->handle);
  device->handle = nullptr;
  device->fd = -1;
  device->open = false;
  device->closedReason = reason;
  generation_ += 1;
  if (!notify) return;
  // The device's packets already batched go out before the event that says it closed.
  Flush();
  Message* message = new Message();
  message->kind = Message::Kind::kDeviceClosed;
  message->device = device->info.index;
  message->text = reason;
  Post(message);
}

void Engine::OnPacket(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  Device* device = reinterpret_cast<Device*>(user);
  Engine* engine = device->engine;
  uint32_t sub = static_cast<uint32_t>(header->ts.tv_usec);
  uint32_t nsec = device->info.nanosecond ? sub : sub * 1000;
  size_t record = RecordBytes(header->caplen);
  if (engine->queued_.load(std::memory_order_relaxed) + engine->batch_.Used() + record >
      engine->options_.maxQueuedBytes) {
    device->queueDrops += 1;
    return;
  }
  if (!engine->batch_.Append(device->info.index, header, nsec, bytes)) {
    engine->Flush();
    if (!engine->batch_.Append(device->info.index, header, nsec, bytes)) {
      device->queueDrops += 1;  // out of memory: a drop, not a crash
      return;
    }
  }
  device->captured += 1;
}

// Called with the lock held. True when the device has more packets waiting right now.
bool Engine::Dispatch(Device* device, short revents) {
  int count = pcap_dispatch(device->handle, kDispatchLimit, &Engine::OnPacket,
                            reinterpret_cast<u_char*>(device));
  if (count == PCAP_ERROR) {
    CloseDevice(device, pcap_geterr(device->handle), true);
    return false;
  }
  if (count == 0 && (revents & (POLLERR | POLLHUP | POLLNVAL))) {
    // An error libpcap did not turn into a failed read: without closing, poll would spin on it.
    CloseDevice(device, DescribeRevents(revents), true);
    return false;
  }
  return count >= kDispatchLimit;
}

// Called with the lock held: the wake fd plus every open device not being removed.
void Engine::Rebuild(PollSet& set) {
  if (set.generation == generation_) return;
  set.generation = generation_;
  set.fds.assign(1, pollfd{wake_, POLLIN, 0});
  set.devices.clear();
  for (const auto& device : devices_) {
    if (!device->open || device->removeRequested) continue;
    set.fds.push_back(pollfd{device->fd, POLLIN, 0});
    set.devices.push_back(device.get());
  }
}

// Polls; false when poll itself failed (posted as a failure). Consumes a pending wakeup.
bool Engine::Wait(PollSet& set, int timeoutMs, int& ready) {
  ready = poll(set.fds.data(), set.fds.size(), timeoutMs);
  if (ready < 0) {
    ready = 0;
    if (errno == EINTR) return true;
    Message* message = new Message();
    message->kind = Message::Kind::kFailure;
    message->text = std::string("poll: ") + std::strerror(errno);
    Flush();
    Post(message);
    return false;
  }
  if (ready > 0 && (set.fds[0].revents & POLLIN)) {
    uint64_t value;
    ssize_t got = read(wake_, &value, sizeof value);
    (void)got;
  }
  return true;
}

// Called with the lock held. True when some device has more packets waiting right now.
bool Engine::DispatchReady(PollSet& set, int ready) {
  bool more = false;
  if (ready == 0) return false;
  for (size_t i = 1; i < set.fds.size(); i++) {
    Device* device = set.devices[i - 1];
    if (set.fds[i].revents == 0 || !device->open || device->removeRequested) continue;
    if (Dispatch(device, set.fds[i].revents)) more = true;
  }
  return more;
}

void Engine::Run() {
  PollSet set;
  bool more = false;
  bool failed = false;
  const int64_t intervalNs = static_cast<int64_t>(options_.flushIntervalMs) * 1000000;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
      Rebuild(set);
    }
    int timeout = -1;
    if (more) {
      timeout = 0;
    } else if (!batch_.Empty()) {
      int64_t left = batch_.StartedNs() + intervalNs - MonotonicNs();
      timeout = left <= 0 ? 0 : static_cast<int>((left + 999999) / 1000000);
    }
    int ready = 0;
    if (!Wait(set, timeout, ready)) {
      failed = true;
      break;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
      for (const auto& device : devices_) {
        if (device->open && device->removeRequested) CloseDevice(device.get(), "removed", true);
      }
      more = DispatchReady(set, ready);
    }
    if (!batch_.Empty() && MonotonicNs() - batch_.StartedNs() >= intervalNs) Flush();
  }
  if (!failed) Drain(set);
  Flush();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& device : devices_) {
    if (device->open) CloseDevice(device.get(), "stopped", false);
  }
}

// After stop(): every packet that arrived before it is delivered. Without immediate mode the kernel
// hands a TPACKET_V3 block over only when it is full or its timeout (timeoutMs) retires it, so
// the last packets can be seen only by waiting out one timeout.
void Engine::Drain(PollSet& set) {
  int64_t waitNs = options_.open.immediate ? 0 : (static_cast<int64_t>(options_.open.timeoutMs) + 5) * 1000000;
  int64_t deadline = MonotonicNs() + waitNs;
  bool more = true;
  for (;;) {
    int64_t left = deadline - MonotonicNs();
    if (left <= 0 && !more) break;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Rebuild(set);
    }
    int timeout = more || left <= 0 ? 0 : static_cast<int>((left + 999999) / 1000000);
    int ready = 0;
    if (!Wait(set, timeout, ready)) break;
    std::lock_guard<std::mutex> lock(mutex_);
    more = DispatchReady(set, ready);
  }
}

}  // namespace hopscope
