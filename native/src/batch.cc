#include "batch.h"

#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace hopscope {

Message::~Message() { std::free(data); }

BatchBuilder::~BatchBuilder() { std::free(data_); }

int64_t MonotonicNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

bool BatchBuilder::Append(uint32_t device, const pcap_pkthdr* header, uint32_t nsec,
                          const u_char* bytes) {
  size_t record = RecordBytes(header->caplen);
  if (data_ == nullptr) {
    size_t capacity = std::max(batchBytes_, record);
    data_ = static_cast<uint8_t*>(std::malloc(capacity));
    if (data_ == nullptr) return false;
    capacity_ = capacity;
    startedNs_ = MonotonicNs();
  } else if (used_ + record > capacity_) {
    return false;
  }
  uint8_t* at = data_ + used_;
  uint64_t sec = static_cast<uint64_t>(header->ts.tv_sec);
  uint32_t fields[6] = {device,
                        static_cast<uint32_t>(sec & 0xffffffffu),
                        static_cast<uint32_t>(sec >> 32),
                        nsec,
                        header->caplen,
                        header->len};
  std::memcpy(at, fields, kRecordHeaderBytes);
  std::memcpy(at + kRecordHeaderBytes, bytes, header->caplen);
  size_t end = kRecordHeaderBytes + header->caplen;
  if (end < record) std::memset(at + end, 0, record - end);
  used_ += record;
  packets_ += 1;
  return true;
}

Message* BatchBuilder::Take() {
  if (packets_ == 0) return nullptr;
  Message* message = new Message();
  message->kind = Message::Kind::kBatch;
  // A batch flushed early by the timer keeps only what it uses: JavaScript may hold it for long.
  uint8_t* data = data_;
  if (used_ < capacity_ / 2) {
    uint8_t* shrunk = static_cast<uint8_t*>(std::realloc(data_, used_));
    if (shrunk != nullptr) data = shrunk;
  }
  message->data = data;
  message->bytes = used_;
  message->packets = packets_;
  data_ = nullptr;
  capacity_ = 0;
  used_ = 0;
  packets_ = 0;
  return message;
}

}  // namespace hopscope
