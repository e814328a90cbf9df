// Opening one capture device with libpcap, and naming why it failed in the codes hopscope's
// TypeScript side turns into HopscopeError.
#pragma once

#include <pcap/pcap.h>

#include <string>

namespace hopscope {

struct OpenOptions {
  // GRO/TSO hands the capture packets far larger than the MTU (64 KB+ on veths): tcpdump's default.
  int snapLength = 262144;
  bool promiscuous = true;
  // Kernel ring size: the room the kernel has while the capture thread is busy.
  int bufferBytes = 32 * 1024 * 1024;
  // Immediate mode (TPACKET_V2, a wakeup per packet) instead of TPACKET_V3 blocks retired by timeout.
  bool immediate = false;
  // Block retire timeout when not immediate: bounds how late a packet of a quiet link is seen.
  int timeoutMs = 10;
  // BPF program text; empty means every packet.
  std::string filter;
};

struct OpenError {
  // 'permission' | 'no-such-device' | 'bad-filter' | 'capture-failed'
  std::string code;
  std::string message;
};

struct OpenedDevice {
  pcap_t* handle = nullptr;
  int fd = -1;
  // LINKTYPE_* (as in capture files), translated from pcap_datalink's DLT_* where the two differ.
  int linkType = 0;
  bool nanosecond = false;
  // A libpcap warning from activation (promiscuous mode not supported...), empty when none.
  std::string warning;
};

// Creates, configures and activates `name`, compiles and sets the filter and makes the handle
// non-blocking. On failure the handle is closed, `error` says why and false is returned.
bool OpenDevice(const std::string& name, const OpenOptions& options, OpenedDevice& out,
                OpenError& error);

}  // namespace hopscope
