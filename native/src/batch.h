// The batch format handed to JavaScript, and the builder that fills it on the capture thread.
//
// A batch is one malloc'ed buffer of packet records, back to back; JavaScript receives it as an
// external ArrayBuffer that owns the memory (never reused for another batch), so frames can be
// views into it. Record layout, every field a uint32 in native byte order:
//   [0] interface index   [1] ts seconds, low 32 bits   [2] ts seconds, high 32 bits
//   [3] ts nanoseconds    [4] captured length           [5] length on the wire
// then `captured length` packet bytes, zero-padded to a multiple of 8 (so records stay 8-aligned).
#pragma once

#include <pcap/pcap.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace hopscope {

constexpr size_t kRecordHeaderBytes = 24;

inline size_t RecordBytes(uint32_t capturedLength) {
  return kRecordHeaderBytes + ((static_cast<size_t>(capturedLength) + 7) & ~static_cast<size_t>(7));
}

// What the capture thread posts to JavaScript, in order: packet batches and device events.
struct Message {
  enum class Kind { kBatch, kDeviceClosed, kFailure };
  Kind kind = Kind::kBatch;
  uint8_t* data = nullptr;  // kBatch: malloc'ed records; whoever takes it sets this to null
  size_t bytes = 0;
  uint32_t packets = 0;
  uint32_t device = 0;  // kDeviceClosed: the interface index
  std::string text;     // kDeviceClosed: the reason; kFailure: what went wrong

  Message() = default;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;
  ~Message();
};

class BatchBuilder {
 public:
  explicit BatchBuilder(size_t batchBytes) : batchBytes_(batchBytes) {}
  BatchBuilder(const BatchBuilder&) = delete;
  BatchBuilder& operator=(const BatchBuilder&) = delete;
  ~BatchBuilder();

  // Appends one record; false (nothing written) when the current batch has no room for it, or
  // memory could not be had. A record larger than batchBytes gets a batch of its own size.
  bool Append(uint32_t device, const pcap_pkthdr* header, uint32_t nsec, const u_char* bytes);

  bool Empty() const { return packets_ == 0; }
  size_t Used() const { return used_; }
  // Monotonic nanoseconds when the first record of the current batch was appended.
  int64_t StartedNs() const { return startedNs_; }

  // Hands the current batch over (shrunk to its used size) and starts a new one; null when empty.
  Message* Take();

 private:
  size_t batchBytes_;
  uint8_t* data_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
  uint32_t packets_ = 0;
  int64_t startedNs_ = 0;
};

int64_t MonotonicNs();

}  // namespace hopscope
