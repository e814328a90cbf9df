// The capture engine: a device table and one capture thread that polls every device's selectable
// fd, drains them with non-blocking pcap_dispatch into batches, and posts the batches (and device
// events) to JavaScript through a Poster. Knows nothing about N-API.
#pragma once

#include <pcap/pcap.h>
#include <poll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "batch.h"
#include "device.h"

namespace hopscope {

struct EngineOptions {
  OpenOptions open;
  // Bytes of batches posted but not yet consumed by JavaScript; past this, packets are dropped
  // (and counted as queue drops) instead of growing memory or blocking the capture thread.
  size_t maxQueuedBytes = 64 * 1024 * 1024;
  // Size of one batch buffer: a batch is posted when full, or flushIntervalMs after its first packet.
  size_t batchBytes = 1024 * 1024;
  int flushIntervalMs = 20;
};

struct DeviceInfo {
  uint32_t index = 0;
  std::string name;
  int linkType = 0;
  bool nanosecond = false;
  std::string warning;
};

struct DeviceStats {
  DeviceInfo info;
  bool open = false;
  std::string closedReason;  // why it closed ('removed', 'stopped', or libpcap's error text)
  bool kernelStats = false;  // whether pcap_stats ever answered for this device
  uint32_t received = 0;     // ps_recv
  uint32_t kernelDrops = 0;  // ps_drop
  uint32_t interfaceDrops = 0;  // ps_ifdrop
  uint64_t captured = 0;     // packets put into batches
  uint64_t queueDrops = 0;   // packets dropped because maxQueuedBytes was reached
};

// Posts a message to JavaScript; false when it was not accepted (the engine then deletes it).
using Poster = std::function<bool(Message*)>;

class Engine {
 public:
  Engine(EngineOptions options, Poster post);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // Starts the capture thread (with no devices yet). False with `error` set on failure.
  bool Start(std::string& error);
  // Opens a device and adds it to the running capture; it gets the next interface index.
  bool AddDevice(const std::string& name, DeviceInfo& info, OpenError& error);
  // Asks the capture thread to close an open device (it then posts a 'removed' device event
  // after the device's last packets). False when no open device has that name.
  bool RemoveDevice(const std::string& name);
  // Every device ever added, by index, with fresh pcap_stats for the open ones.
  std::vector<DeviceStats> Stats();
  // Stops the thread after it posts its last batch, and closes every handle. Idempotent.
  void Stop();
  // JavaScript has consumed a batch of this many bytes (any thread).
  void Delivered(size_t bytes) { queued_.fetch_sub(bytes, std::memory_order_relaxed); }

 private:
  struct Device;
  struct PollSet {
    std::vector<pollfd> fds;        // [0] is the wake eventfd
    std::vector<Device*> devices;   // devices[i] polls fds[i + 1]
    uint64_t generation = ~static_cast<uint64_t>(0);
  };

  void Run();
  void Drain(PollSet& set);
  void Rebuild(PollSet& set);
  bool Wait(PollSet& set, int timeoutMs, int& ready);
  bool DispatchReady(PollSet& set, int ready);
  void Wake();
  bool Dispatch(Device* device, short revents);
  void CloseDevice(Device* device, const std::string& reason, bool notify);
  void Flush();
  void Post(Message* message);
  static void OnPacket(u_char* user, const pcap_pkthdr* header, const u_char* bytes);

  const EngineOptions options_;
  const Poster post_;
  BatchBuilder batch_;  // capture thread only
  std::atomic<size_t> queued_{0};
  int wake_ = -1;
  std::thread thread_;

  std::mutex mutex_;  // guards everything below; the thread holds it while dispatching
  std::vector<std::unique_ptr<Device>> devices_;
  uint64_t generation_ = 0;  // bumped whenever the set of polled fds changes
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace hopscope
